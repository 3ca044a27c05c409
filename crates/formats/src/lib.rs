//! Readers and writers of benchmark data on disk.
