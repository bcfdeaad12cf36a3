//! JSONPath (in progress).
