//! statelab: an Amazon States Language (AWS Step Functions) interpreter with a sans-IO core.
//!
//! A definition is checked once into a typed [`Machine`] ([`validate_text`]); an
//! [`Execution`] runs it over virtual time, and a host resolves its Task invocations. The
//! [`simulate`] driver resolves them from [`Mocks`] and jumps from one deadline to the next,
//! so a workflow that waits a week runs in microseconds and gives the history AWS's
//! `GetExecutionHistory` would show.
//!
//! ```
//! use statelab::{simulate, validate_text, MachineType, Mocks, Options, Status};
//!
//! // A Parallel state with branches of 3 s and 1 s takes 3 s, not 4 s.
//! let definition = r#"{
//!   "StartAt": "Fan",
//!   "States": {"Fan": {"Type": "Parallel", "End": true, "Branches": [
//!     {"StartAt": "Slow", "States": {"Slow": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:slow", "End": true}}},
//!     {"StartAt": "Fast", "States": {"Fast": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:fast", "End": true}}}
//!   ]}}
//! }"#;
//! let machine = validate_text(definition, MachineType::Standard).expect("a valid definition");
//! let mocks = r#"{"Slow": {"result": "s", "latency": 3}, "Fast": {"result": "f", "latency": 1}}"#;
//! let mocks = Mocks::from_value(&statelab::value::read::parse(mocks).unwrap(), None).unwrap();
//! let input = statelab::value::read::parse(r#"{"order": 42}"#).unwrap();
//! let run = simulate(machine, input, mocks, Options::default()).expect("every Task is mocked");
//!
//! assert_eq!(run.status(), &Status::Succeeded(statelab::json!(["s", "f"])));
//! assert_eq!(run.now() - run.options().start_time, 3000);
//! assert_eq!(run.events().last().unwrap().kind.name(), "ExecutionSucceeded");
//! // One lane per branch, each bar knowing the Parallel state's span it belongs to.
//! assert_eq!(&*run.lanes().get(2).label, "Fan/1");
//! ```
//!
//! The modules, from the bottom up: [`value`] (JSON values, read and written), [`asl`] (the
//! typed definition and its validation), [`dataflow`] and [`jsonata`] (what a state does to
//! its input), [`exec`] (the executor), [`mock`] and [`driver`] (hosting an execution), and
//! [`wasm`] (the WebAssembly boundary). See ARCHITECTURE.md for the bird's-eye view.

pub mod asl;
#[cfg(feature = "extras")]
pub mod child;
pub mod dataflow;
#[cfg(feature = "extras")]
pub mod derive;
pub mod driver;
pub mod error;
pub mod exec;
pub mod files;
pub mod jsonata;
pub mod mock;
#[cfg(feature = "extras")]
pub mod source;
mod support;
pub mod teststate;
pub mod value;
pub mod wasm;

pub use asl::{validate_text, Diagnostic, Machine, MachineType};
pub use driver::{simulate, Host, HostError};
pub use error::Failure;
pub use exec::{Execution, Options, Status};
pub use mock::Mocks;
/// The allocator the CLI and the wasm build put in front of the system's: free lists per
/// size class for the small blocks an execution allocates most.
pub use support::quick_alloc::QuickAlloc;
pub use value::Value;

/// Where a build without the Cargo feature `extras` (the wasm core the page loads first)
/// would need what only the full build has: JSONata's number pictures, date parsing with a
/// picture and the hash digests. Never reached: such a build refuses a definition that may use them
/// ([`Machine::uses_extras`]), and the page runs it on the full build instead.
#[cfg(not(feature = "extras"))]
#[cold]
pub(crate) fn without_extras(what: &str) -> ! {
    panic!("{what} is in statelab's full build only (Cargo feature \"extras\")")
}

#[cfg(feature = "extras")]
thread_local! {
    static EXTRAS_USED: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
}

/// Counts a use of what only the full build has (see [`extras_used`]).
#[cfg(feature = "extras")]
pub(crate) fn used_extras() {
    EXTRAS_USED.with(|c| c.set(c.get() + 1));
}

/// How many times this thread used what a build without the extras lacks: the tests check
/// that what did was flagged by [`Machine::uses_extras`] (or `jsonata::Expr::uses_extras`).
#[cfg(feature = "extras")]
#[doc(hidden)]
pub fn extras_used() -> u64 {
    EXTRAS_USED.with(|c| c.get())
}
