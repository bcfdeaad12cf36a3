//! Small building blocks with no knowledge of ASL: the ordered map and the sort every
//! module uses, the agenda of timed work, Unicode case mapping, Base64 and digests, ISO-8601 time and
//! the allocator's free lists. Each exists to keep the wasm small or the engine fast.

pub mod agenda;
pub mod case;
pub mod digest;
#[cfg(feature = "extras")]
pub mod hashes;
pub mod ordmap;
pub mod quick_alloc;
pub mod rng;
pub mod sort;
pub mod time;
