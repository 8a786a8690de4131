//! Filter semantics, one by one against the API Reference.
