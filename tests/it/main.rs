//! The integration tests, in one test binary (one link instead of one per file). Their data
//! stays under `tests/`: `tests/cases/*.json` (executions) and `tests/validation/` (definitions).
//! `tests/wasm.rs`, the wasm-bindgen tests, is its own binary, built for wasm32 only.
//!
//! - `cases`: the data-driven executions, on the virtual clock;
//! - `validation`: definitions accepted or rejected, with the diagnostic's location;
//! - `robustness`: mutated and truncated definitions never panic;
//! - `runtime_errors`: every rule of `dataflow::runtime_errors`, a row of `tests/runtime_errors.json` each;
//! - `paths_api`: the JSONPath, payload template and intrinsic APIs;
//! - `cli`: the `statelab` binary's own commands;
//! - `data_limits`: payload size and nesting limits on the values the executor makes;
//! - `history_budget`: the history's data budget (`Options::history_bytes`);
//! - `bounds`: deep and large expressions, paths and regexes end in time on a bounded stack;
//! - `reliability`: hostile inputs (fuzzer reproducers) end cleanly in bounded time and memory;
//! - `fuzz_regressions`: the shrunk reproducers of `examples/fuzz.rs` in `tests/fuzz/` end cleanly;
//! - `extras`: which definitions need the full engine (the wasm core refuses them);
//! - `child_histories`: a distributed Map's child executions' own histories;
//! - `sources`: definitions in every source form (YAML, templates) with their substitutions;
//! - `auto`: `run --auto` takes each workflow of `tests/auto/` to its end with nothing given;
//! - `test_state`: TestState on the rows no AWS recording shows;
//! - `corpus`: the conformance corpus beside the repository (skipped, with one line, without it).

mod auto;
mod bounds;
mod cases;
mod child_histories;
mod cli;
mod corpus;
mod data_limits;
mod extras;
mod fuzz_regressions;
mod history_budget;
mod paths_api;
mod reliability;
mod robustness;
mod runtime_errors;
mod sources;
mod test_state;
mod validation;
