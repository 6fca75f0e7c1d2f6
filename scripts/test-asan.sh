#!/usr/bin/env bash
# The former name of scripts/test-sanitizers.sh (the whole suite under
# AddressSanitizer and UndefinedBehaviorSanitizer in build-asan/).
exec "$(dirname "$0")/test-sanitizers.sh" "$@"
