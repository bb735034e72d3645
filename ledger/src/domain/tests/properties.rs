//! Properties that hold for any sequence of operations: random deposits, withdrawals,
//! holds and their ends, payouts, refunds and penalties by a few users in two currencies,
//! with retries of earlier operation ids, as they were and altered.

use super::*;
use proptest::prelude::*;
use std::fmt::Debug;
use std::str::FromStr;

mod model;
use model::Model;

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
