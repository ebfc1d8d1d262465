"""Linli portal: server-rendered pages over the identity, roster, scheduling and evaluation APIs."""
