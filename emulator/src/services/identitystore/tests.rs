//! Identity Store unit tests.
