//! Seeded randomness: the engine reads no entropy, so the same seed gives the same run.

use std::cell::Cell;

/// A small deterministic random source (SplitMix64): jitter, `States.MathRandom`, `$random()`.
///
/// It also carries the execution's JSONata step budget ([`EXECUTION_STEPS`]): an execution's
/// `Rng` is the one execution-wide value every state's data flow is handed, and the budget
/// must span the execution (a Map of 10,000 iterations of an expression well within the
/// budget of one evaluation would otherwise run for minutes).
#[derive(Debug, Clone)]
pub struct Rng(Cell<u64>, Cell<u64>);

/// JSONata steps all the expressions of one execution may take together (about 3 s of work
/// natively; one evaluation may take at most 10 million of them).
pub const EXECUTION_STEPS: u64 = 50_000_000;

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(Cell::new(seed ^ 0x9E37_79B9_7F4A_7C15), Cell::new(EXECUTION_STEPS))
    }
    /// JSONata steps left in the execution's budget.
    pub fn steps_left(&self) -> u64 {
        self.1.get()
    }
    pub fn spend(&self, steps: u64) {
        self.1.set(self.1.get().saturating_sub(steps));
    }
    pub fn next_u64(&self) -> u64 {
        let mut z = self.0.get().wrapping_add(0x9E37_79B9_7F4A_7C15);
        self.0.set(z);
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in [0, 1).
    pub fn next_f64(&self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
}
