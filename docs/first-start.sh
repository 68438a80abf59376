#!/usr/bin/env bash
# The first start of docs/operations.md, as a script CI runs (filled in by the first-start change).
