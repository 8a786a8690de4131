//! sso-admin unit tests.
