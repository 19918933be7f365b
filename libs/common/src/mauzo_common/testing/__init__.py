"""Test support shared by every package: real local components on free loopback ports."""
