//! Properties that hold for any sequence of operations: random deposits, withdrawals,
//! holds and their ends, payouts, refunds and penalties by a few users in two currencies,
//! with retries of earlier operation ids, as they were and altered.

use super::*;
use proptest::prelude::*;
use std::collections::BTreeMap;
use std::fmt::Debug;
use std::str::FromStr;

/// How many users take part.
const USERS: u8 = 3;

/// Indexes of holds and settlements are below this; the last one names an unknown id.
const PICKS: usize = 8;
const UNKNOWN: usize = PICKS - 1;

/// One step of a random run. Holds and settlements are picked by an index below
/// [`PICKS`] among those the ledger has (see [`Run::hold`] and [`Run::settlement`]), so
/// that ended holds and unknown ids come up too; amounts of captures, payouts and refunds
/// are percentages of what there is, going past 100 so that refusals occur.
#[derive(Clone, Debug)]
enum Step {
    Deposit {
        user: u8,
        usd: bool,
        amount: i64,
    },
    Withdraw {
        user: u8,
        usd: bool,
        amount: i64,
    },
    PlaceHold {
        user: u8,
        usd: bool,
        bond: bool,
        amount: i64,
        expires: i64,
    },
    Capture {
        hold: usize,
        percent: i64,
        settlement: usize,
    },
    Release {
        hold: usize,
    },
    Expire {
        hold: usize,
        now: i64,
    },
    PayOut {
        settlement: usize,
        seller: u8,
        percent: i64,
        fee_percent: i64,
    },
    Refund {
        settlement: usize,
        stranger: Option<u8>,
        percent: i64,
    },
    Penalty {
        hold: usize,
        buyer: u8,
    },
    /// An earlier step's id again, with its operation or (`altered`) another one.
    Retry {
        earlier: usize,
        altered: bool,
    },
}

/// Mostly amounts below `usual`, so that balances run short now and then; some that are
/// not positive; some so large that sums overflow.
fn amount(usual: i64) -> impl Strategy<Value = i64> {
    prop_oneof![
        24 => 1..usual,
        1 => -3..=0i64,
        1 => Just(i64::MAX / 2),
        1 => Just(i64::MAX),
    ]
}

fn step() -> impl Strategy<Value = Step> {
    let user = 0..USERS;
    let index = 0..PICKS;
    let percent = 0..=110i64;
    prop_oneof![
        8 => (user.clone(), any::<bool>(), amount(1_000))
            .prop_map(|(user, usd, amount)| Step::Deposit { user, usd, amount }),
        2 => (user.clone(), any::<bool>(), amount(400))
            .prop_map(|(user, usd, amount)| Step::Withdraw { user, usd, amount }),
        5 => (user.clone(), any::<bool>(), any::<bool>(), amount(400), 0..200i64).prop_map(
            |(user, usd, bond, amount, expires)| Step::PlaceHold { user, usd, bond, amount, expires }
        ),
        3 => (index.clone(), percent.clone(), index.clone()).prop_map(
            |(hold, percent, settlement)| Step::Capture { hold, percent, settlement }
        ),
        2 => index.clone().prop_map(|hold| Step::Release { hold }),
        2 => (index.clone(), 0..200i64).prop_map(|(hold, now)| Step::Expire { hold, now }),
        3 => (index.clone(), user.clone(), percent.clone(), percent.clone()).prop_map(
            |(settlement, seller, percent, fee_percent)| Step::PayOut { settlement, seller, percent, fee_percent }
        ),
        2 => (index.clone(), proptest::option::weighted(0.2, user.clone()), percent).prop_map(
            |(settlement, stranger, percent)| Step::Refund { settlement, stranger, percent }
        ),
        1 => (index.clone(), user).prop_map(|(hold, buyer)| Step::Penalty { hold, buyer }),
        4 => (0..100usize, any::<bool>())
            .prop_map(|(earlier, altered)| Step::Retry { earlier, altered }),
    ]
}

/// Fixed ids, so that a failing run reads the same every time: `family` tells users,
/// holds and settlements apart.
fn fixed<T: FromStr>(family: u16, n: usize) -> T
where
    T::Err: Debug,
{
    format!("00000000-0000-7000-{family:04x}-{n:012}")
        .parse()
        .unwrap()
}

fn user(n: u8) -> UserId {
    fixed(0x8000, n.into())
}

fn currency(usd: bool) -> Currency {
    if usd {
        super::usd()
    } else {
        krw()
    }
}

/// `percent` of `of`, in whole minor units (saturating: the amount may be refused, the
/// test must not overflow).
fn part(of: Amount, percent: i64) -> Amount {
    let part = i128::from(of.get()) * i128::from(percent) / 100;
    a(i64::try_from(part).unwrap_or(i64::MAX))
}

/// A run: the ledger, what it has named, and every operation tried, with its result.
#[derive(Default)]
struct Run {
    ledger: Ledger,
    /// How many holds and settlements the run has named.
    holds: usize,
    settlements: usize,
    tried: Vec<(OperationId, Operation)>,
    results: Vec<Result<Outcome, LedgerError>>,
    model: Model,
}

impl Run {
    fn play(steps: &[Step]) -> Self {
        let mut run = Run::default();
        for step in steps {
            let Some((id, operation)) = run.operation(step) else {
                continue;
            };
            let before = run.ledger.clone();
            let result = run.ledger.apply(&id, &operation);
            run.model
                .check(&before, &run.ledger, &id, &operation, &result);
            run.tried.push((id, operation));
            run.results.push(result);
        }
        run
    }

    /// The operation of one step, under its id; `None` for a retry before anything was
    /// tried.
    fn operation(&mut self, step: &Step) -> Option<(OperationId, Operation)> {
        let fresh = id(&format!("op-{}", self.tried.len() + 1));
        let operation = match *step {
            Step::Retry { earlier, altered } => {
                let (id, operation) = self.tried.get(earlier % self.tried.len().max(1))?;
                let operation = if altered {
                    other_than(operation)
                } else {
                    operation.clone()
                };
                return Some((id.clone(), operation));
            }
            Step::Deposit {
                user: u,
                usd,
                amount,
            } => Operation::Deposit {
                user_id: user(u),
                currency: currency(usd),
                amount: a(amount),
            },
            Step::Withdraw {
                user: u,
                usd,
                amount,
            } => Operation::Withdraw {
                user_id: user(u),
                currency: currency(usd),
                amount: a(amount),
            },
            Step::PlaceHold {
                user: u,
                usd,
                bond,
                amount,
                expires,
            } => {
                let hold_id = fixed(0x8001, self.holds);
                self.holds += 1;
                Operation::PlaceHold {
                    hold_id,
                    user_id: user(u),
                    kind: if bond {
                        HoldKind::Bond
                    } else {
                        HoldKind::Payment
                    },
                    currency: currency(usd),
                    amount: a(amount),
                    expires_at: t(expires),
                }
            }
            Step::Capture {
                hold,
                percent,
                settlement,
            } => {
                let hold_id = self.hold(hold);
                let held = self.ledger.hold(hold_id).map_or(a(10), |hold| hold.amount);
                Operation::CaptureHold {
                    hold_id,
                    amount: part(held, percent),
                    settlement_id: if settlement < PICKS / 2 {
                        self.new_settlement()
                    } else {
                        self.settlement(settlement)
                    },
                }
            }
            Step::Release { hold } => Operation::ReleaseHold {
                hold_id: self.hold(hold),
            },
            Step::Expire { hold, now } => Operation::ExpireHold {
                hold_id: self.hold(hold),
                now: t(now),
            },
            Step::PayOut {
                settlement,
                seller,
                percent,
                fee_percent,
            } => {
                let settlement_id = self.settlement(settlement);
                let amount = part(self.in_escrow(settlement_id), percent);
                Operation::PayOut {
                    settlement_id,
                    seller_id: user(seller),
                    amount,
                    fee: part(amount, fee_percent),
                }
            }
            Step::Refund {
                settlement,
                stranger,
                percent,
            } => {
                let settlement_id = self.settlement(settlement);
                let escrow = self.ledger.escrow(settlement_id);
                let buyer = match (stranger, escrow) {
                    (None, Some(escrow)) => escrow.buyer,
                    (Some(n), _) => user(n),
                    (None, None) => user(0),
                };
                Operation::Refund {
                    settlement_id,
                    buyer_id: buyer,
                    amount: part(self.in_escrow(settlement_id), percent),
                }
            }
            Step::Penalty { hold, buyer } => Operation::Penalty {
                hold_id: self.hold(hold),
                buyer_id: user(buyer),
            },
        };
        Some((fresh, operation))
    }

    /// Mostly an open hold, now and then an ended one, and for [`UNKNOWN`] (or before the
    /// first) a hold never placed.
    fn hold(&self, index: usize) -> HoldId {
        let open: Vec<HoldId> = self
            .ledger
            .holds()
            .filter(|hold| hold.state.is_open())
            .map(|hold| hold.id)
            .collect();
        let all: Vec<HoldId> = self.ledger.holds().map(|hold| hold.id).collect();
        let among = if index < UNKNOWN - 1 && !open.is_empty() {
            open
        } else {
            all
        };
        match among.len() {
            0 => fixed(0x8001, 1_000_000),
            _ if index == UNKNOWN => fixed(0x8001, 1_000_000),
            len => among[index % len],
        }
    }

    /// A settlement with money in escrow, or for [`UNKNOWN`] (or before the first) one
    /// that has none.
    fn settlement(&mut self, index: usize) -> SettlementId {
        let known: Vec<SettlementId> = self.ledger.escrows().map(|(id, _)| id).collect();
        match known.len() {
            0 => self.new_settlement(),
            _ if index == UNKNOWN => self.new_settlement(),
            len => known[index % len],
        }
    }

    fn new_settlement(&mut self) -> SettlementId {
        self.settlements += 1;
        fixed(0x8002, self.settlements)
    }

    fn in_escrow(&self, settlement_id: SettlementId) -> Amount {
        self.ledger
            .escrow(settlement_id)
            .map_or(a(10), |escrow| escrow.balance)
    }
}

/// An operation that differs from `operation`, to try under its id.
fn other_than(operation: &Operation) -> Operation {
    if let Operation::ReleaseHold { hold_id } | Operation::Penalty { hold_id, .. } = *operation {
        return Operation::ExpireHold { hold_id, now: t(0) };
    }
    let more = |amount: Amount| amount.checked_add(a(1)).unwrap_or(a(1));
    let second = chrono::Duration::seconds(1);
    let mut altered = operation.clone();
    match &mut altered {
        Operation::Deposit { amount, .. }
        | Operation::Withdraw { amount, .. }
        | Operation::CaptureHold { amount, .. }
        | Operation::Refund { amount, .. } => *amount = more(*amount),
        Operation::PlaceHold { expires_at, .. } => *expires_at += second,
        Operation::ExpireHold { now, .. } => *now += second,
        Operation::PayOut { fee, .. } => *fee = more(*fee),
        Operation::ReleaseHold { .. } | Operation::Penalty { .. } => {}
    }
    assert_ne!(&altered, operation);
    altered
}

/// What the properties remember across operations: the ledger as its entries tell it.
#[derive(Default)]
struct Model {
    /// Every operation applied, with its first outcome.
    applied: BTreeMap<OperationId, (Operation, Outcome)>,
    /// Each account's balances as the sum of its entries (wide, so that sums cannot
    /// overflow here).
    sums: BTreeMap<(Currency, Account), (i128, i128)>,
    deposited: BTreeMap<Currency, i128>,
    withdrawn: BTreeMap<Currency, i128>,
    last_seq: u64,
    /// Every hold once it has ended, as it ended.
    ended: BTreeMap<HoldId, Hold>,
}

impl Model {
    fn check(
        &mut self,
        before: &Ledger,
        after: &Ledger,
        id: &OperationId,
        operation: &Operation,
        result: &Result<Outcome, LedgerError>,
    ) {
        let earlier = self.applied.get(id).cloned();
        let fresh_success = match (earlier, result) {
            (Some((first, outcome)), _) => {
                // A retry: the first outcome for the same body, a conflict for another.
                if first == *operation {
                    assert_eq!(result.as_ref(), Ok(&outcome), "retry of {id}");
                } else {
                    assert_eq!(
                        result.as_ref(),
                        Err(&LedgerError::IdempotencyConflict(id.clone()))
                    );
                }
                assert_eq!(after, before, "a retry changed the ledger");
                false
            }
            (None, Err(_)) => {
                assert_eq!(
                    after, before,
                    "{operation:?} was refused and changed the ledger"
                );
                assert_eq!(after.outcome(id), None);
                false
            }
            (None, Ok(outcome)) => {
                assert_eq!(after.outcome(id), Some(outcome));
                self.posted(id, operation, outcome);
                self.applied
                    .insert(id.clone(), (operation.clone(), outcome.clone()));
                true
            }
        };
        self.check_holds(before, after, operation, fresh_success);
        self.check_balances(after);
    }

    /// Entries: numbered without gaps, one currency, summing to zero, with the balances
    /// after them that the sums give.
    fn posted(&mut self, id: &OperationId, operation: &Operation, outcome: &Outcome) {
        assert!(!outcome.entries.is_empty(), "{operation:?} posted nothing");
        let currency = &outcome.entries[0].currency;
        let mut total = 0i128;
        for entry in &outcome.entries {
            self.last_seq += 1;
            assert_eq!(entry.seq, self.last_seq);
            assert_eq!(&entry.operation, id);
            assert_eq!(&entry.currency, currency);
            assert!(entry.available_delta != a(0) || entry.held_delta != a(0));
            let (available, held) = (entry.available_delta.get(), entry.held_delta.get());
            total += i128::from(available) + i128::from(held);
            let sum = self
                .sums
                .entry((entry.currency.clone(), entry.account))
                .or_default();
            sum.0 += i128::from(available);
            sum.1 += i128::from(held);
            assert_eq!(
                (
                    i128::from(entry.available_after.get()),
                    i128::from(entry.held_after.get())
                ),
                *sum
            );
        }
        assert_eq!(total, 0, "{operation:?} does not balance");
        match operation {
            Operation::Deposit {
                currency, amount, ..
            } => {
                *self.deposited.entry(currency.clone()).or_default() += i128::from(amount.get());
            }
            Operation::Withdraw {
                currency, amount, ..
            } => {
                *self.withdrawn.entry(currency.clone()).or_default() += i128::from(amount.get());
            }
            _ => {}
        }
    }

    /// Holds end at most once, by an operation on them, and never change afterwards; an
    /// open hold changes only by ending.
    fn check_holds(
        &mut self,
        before: &Ledger,
        after: &Ledger,
        operation: &Operation,
        fresh_success: bool,
    ) {
        assert!(after.holds().count() >= before.holds().count());
        for hold in after.holds() {
            if let Some(ended) = self.ended.get(&hold.id) {
                assert_eq!(ended, hold, "an ended hold changed");
                continue;
            }
            let was = before.hold(hold.id);
            if hold.state.is_open() {
                if let Some(was) = was {
                    assert_eq!(was, hold, "an open hold changed without ending");
                }
                continue;
            }
            assert!(fresh_success && hold_of(operation) == Some(hold.id));
            assert!(was.is_some_and(|was| was.state.is_open()));
            if let HoldState::Captured { amount, .. } = hold.state {
                assert!(amount > a(0) && amount <= hold.amount);
            }
            self.ended.insert(hold.id, hold.clone());
        }
    }

    /// Money is conserved in each currency, no balance but clearing's is negative, and
    /// every balance is the sum of its entries.
    fn check_balances(&self, ledger: &Ledger) {
        let mut sum_of_all = BTreeMap::<&Currency, i128>::new();
        let mut on_platform = BTreeMap::<&Currency, i128>::new();
        let mut escrow = BTreeMap::<&Currency, i128>::new();
        let mut held = BTreeMap::<(&Currency, UserId), i128>::new();
        for (currency, account, balance) in ledger.balances() {
            let total = i128::from(balance.available.get()) + i128::from(balance.held.get());
            *sum_of_all.entry(currency).or_default() += total;
            if account == Account::Clearing {
                assert!(balance.available <= a(0), "clearing is positive");
            } else {
                assert!(balance.available >= a(0), "{account:?} is negative");
                assert!(balance.held >= a(0), "{account:?} holds less than nothing");
                *on_platform.entry(currency).or_default() += total;
            }
            if account.is_platform() {
                assert_eq!(balance.held, a(0), "{account:?} holds money");
            }
            let sums = self.sums.get(&(currency.clone(), account)).copied();
            assert_eq!(
                sums.unwrap_or_default(),
                (
                    i128::from(balance.available.get()),
                    i128::from(balance.held.get())
                ),
                "{account:?} is not the sum of its entries"
            );
        }
        for (currency, account) in self.sums.keys() {
            let balance = ledger.balance(*account, currency);
            assert_eq!(
                self.sums[&(currency.clone(), *account)],
                (
                    i128::from(balance.available.get()),
                    i128::from(balance.held.get())
                )
            );
        }
        for currency in [krw(), usd()] {
            assert_eq!(sum_of_all.get(&currency).copied().unwrap_or(0), 0);
            let deposited = self.deposited.get(&currency).copied().unwrap_or(0);
            let withdrawn = self.withdrawn.get(&currency).copied().unwrap_or(0);
            assert_eq!(
                deposited - withdrawn,
                on_platform.get(&currency).copied().unwrap_or(0),
                "deposited − withdrawn is not what the platform holds"
            );
        }
        for (_, settlement) in ledger.escrows() {
            assert!(settlement.balance >= a(0));
            *escrow.entry(&settlement.currency).or_default() +=
                i128::from(settlement.balance.get());
        }
        for hold in ledger.holds().filter(|hold| hold.state.is_open()) {
            *held.entry((&hold.currency, hold.owner)).or_default() += i128::from(hold.amount.get());
        }
        for (currency, account, balance) in ledger.balances() {
            match account {
                Account::Escrow => assert_eq!(
                    i128::from(balance.available.get()),
                    escrow.get(currency).copied().unwrap_or(0),
                    "the escrow account is not its settlements' escrow"
                ),
                Account::User(user) => assert_eq!(
                    i128::from(balance.held.get()),
                    held.get(&(currency, user)).copied().unwrap_or(0),
                    "a user's held balance is not their open holds"
                ),
                _ => {}
            }
        }
    }
}

/// The hold an operation is about, if it is about one.
fn hold_of(operation: &Operation) -> Option<HoldId> {
    match operation {
        Operation::PlaceHold { hold_id, .. }
        | Operation::CaptureHold { hold_id, .. }
        | Operation::ReleaseHold { hold_id }
        | Operation::ExpireHold { hold_id, .. }
        | Operation::Penalty { hold_id, .. } => Some(*hold_id),
        _ => None,
    }
}

fn replay(tried: &[(OperationId, Operation)]) -> (Ledger, Vec<Result<Outcome, LedgerError>>) {
    let mut ledger = Ledger::new();
    let results = tried
        .iter()
        .map(|(id, operation)| ledger.apply(id, operation))
        .collect();
    (ledger, results)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn money_is_conserved_and_every_rule_holds(steps in proptest::collection::vec(step(), 0..120)) {
        let run = Run::play(&steps);
        // The same operations in the same order give the same ledger and results.
        let (ledger, results) = replay(&run.tried);
        prop_assert_eq!(&ledger, &run.ledger);
        prop_assert_eq!(&results, &run.results);
    }
}
