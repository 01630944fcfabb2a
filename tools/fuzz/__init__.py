"""A random-program fuzzer for s2sad: see README.md here."""
