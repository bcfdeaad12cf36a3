//! Intrinsic functions (in progress).
