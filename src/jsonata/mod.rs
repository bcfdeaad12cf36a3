//! JSONata evaluator (in progress).
