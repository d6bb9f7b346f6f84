#!/bin/bash
# Placeholder until the demo is written.
uname -r
