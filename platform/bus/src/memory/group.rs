//! A consumer group on one topic: its members, the range assignment it wants, who holds
//! each partition right now, and the committed offsets.
//!
//! A partition moves in two steps, like Kafka's rebalance: the group first changes the
//! *target* assignment, then the old holder gives the partition up on its next poll (or
//! when it leaves), and only then can the new target take it. So two members never read
//! the same partition at once, and the new holder starts exactly at the committed offset.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

pub(super) type MemberId = u64;

pub(super) struct Group {
    /// Next offset to read per partition, as committed by the members.
    committed: Vec<Option<i64>>,
    /// Who holds each partition now (`None`: free to take by its target member).
    holder: Vec<Option<MemberId>>,
    /// Members in join order with the partitions the range assignment gives them.
    target: BTreeMap<MemberId, Vec<i32>>,
    /// Since when the group has had no member (`None` while it has some).
    empty_since: Option<Instant>,
}

/// What one member's catching up with the group produced.
#[derive(Default)]
pub(super) struct Moves {
    pub revoked: Vec<i32>,
    pub acquired: Vec<(i32, Option<i64>)>,
}

impl Group {
    pub fn new(partitions: usize) -> Self {
        Group {
            committed: vec![None; partitions],
            holder: vec![None; partitions],
            target: BTreeMap::new(),
            empty_since: Some(Instant::now()),
        }
    }

    /// Whether the group has had no member for at least `idle`.
    pub fn is_empty_for(&self, idle: Duration) -> bool {
        self.empty_since
            .is_some_and(|since| since.elapsed() >= idle)
    }

    pub fn join(&mut self, member: MemberId) {
        self.empty_since = None;
        self.target.insert(member, Vec::new());
        self.assign();
    }

    /// Removes the member and frees what it held; the rest of the group rebalances.
    pub fn leave(&mut self, member: MemberId) {
        self.target.remove(&member);
        if self.target.is_empty() {
            self.empty_since = Some(Instant::now());
        }
        for holder in &mut self.holder {
            if *holder == Some(member) {
                *holder = None;
            }
        }
        self.assign();
    }

    /// Range assignment: members in join order, contiguous runs of partitions, the first
    /// `partitions % members` members getting one more (Kafka's `RangeAssignor`).
    fn assign(&mut self) {
        let partitions = self.holder.len();
        let members = self.target.len();
        if members == 0 {
            return;
        }
        let (each, extra) = (partitions / members, partitions % members);
        let mut next = 0;
        for (i, owned) in self.target.values_mut().enumerate() {
            let count = each + usize::from(i < extra);
            owned.clear();
            owned.extend((next..next + count).map(|p| p as i32));
            next += count;
        }
    }

    /// Brings `member` in line with its target: gives up what it should no longer hold
    /// and takes the free partitions it should hold, with their committed offsets.
    /// Returns whether any partition was released (other members may be waiting on it).
    pub fn catch_up(&mut self, member: MemberId, moves: &mut Moves) -> bool {
        let Some(target) = self.target.get(&member) else {
            return false;
        };
        let mut released = false;
        for (p, holder) in self.holder.iter_mut().enumerate() {
            let p = p as i32;
            let wanted = target.contains(&p);
            if *holder == Some(member) && !wanted {
                *holder = None;
                moves.revoked.push(p);
                released = true;
            } else if holder.is_none() && wanted {
                *holder = Some(member);
                moves.acquired.push((p, self.committed[p as usize]));
            }
        }
        released
    }

    pub fn holds(&self, member: MemberId, partition: i32) -> bool {
        self.holder.get(partition as usize).copied().flatten() == Some(member)
    }

    pub fn commit(&mut self, partition: i32, offset: i64) {
        self.committed[partition as usize] = Some(offset);
    }

    /// The committed offset of `partition`, if any member committed one.
    pub fn committed(&self, partition: i32) -> Option<i64> {
        self.committed.get(partition as usize).copied().flatten()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn held(group: &Group, member: MemberId) -> Vec<i32> {
        (0..group.holder.len() as i32)
            .filter(|p| group.holds(member, *p))
            .collect()
    }

    #[test]
    fn range_assignment_splits_partitions() {
        let mut group = Group::new(5);
        group.join(1);
        group.join(2);
        assert_eq!(group.target[&1], vec![0, 1, 2]);
        assert_eq!(group.target[&2], vec![3, 4]);
    }

    #[test]
    fn a_partition_moves_only_after_its_holder_lets_go() {
        let mut group = Group::new(4);
        group.join(1);
        let mut moves = Moves::default();
        group.catch_up(1, &mut moves);
        assert_eq!(held(&group, 1), vec![0, 1, 2, 3]);
        group.commit(2, 7);

        group.join(2);
        let mut moves = Moves::default();
        assert!(!group.catch_up(2, &mut moves));
        assert!(moves.acquired.is_empty(), "member 1 still holds them");

        let mut moves = Moves::default();
        assert!(group.catch_up(1, &mut moves));
        assert_eq!(moves.revoked, vec![2, 3]);

        let mut moves = Moves::default();
        group.catch_up(2, &mut moves);
        assert_eq!(moves.acquired, vec![(2, Some(7)), (3, None)]);
    }

    #[test]
    fn leaving_frees_everything_held() {
        let mut group = Group::new(2);
        group.join(1);
        group.join(2);
        group.catch_up(1, &mut Moves::default());
        group.catch_up(2, &mut Moves::default());
        group.leave(2);
        let mut moves = Moves::default();
        group.catch_up(1, &mut moves);
        assert_eq!(moves.acquired, vec![(1, None)]);
        assert_eq!(held(&group, 1), vec![0, 1]);
    }
}
