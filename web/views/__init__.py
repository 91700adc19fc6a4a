"""Thin page views: parse a Django form, call one existing service or selector, render."""
