//! Unit tests of Detective against a world.
