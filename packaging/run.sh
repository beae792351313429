#!/usr/bin/env bash
# README command 1: install what is missing, build, and start Cornu on its default demo
# (Fashion-MNIST). With no display it runs the same demo in the terminal.
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
install_missing
configure_and_build
exec "$build/app/cornu" "$@"
