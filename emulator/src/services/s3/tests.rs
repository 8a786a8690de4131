//! S3 handler tests against a World.
