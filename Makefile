# The two commands a newcomer needs (README.md): `make run` and `make test`.
.PHONY: run run-release test setup

run:
	scripts/run.sh

run-release:
	scripts/run.sh --release

test:
	scripts/test.sh

setup:
	scripts/setup.sh --test
