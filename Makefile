# nli's tasks. `make help` lists them by section. Every target installs what it needs
# into .venv first (idempotent). Measurements live in eval/*.md and the model cards.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DOCS_STAMP := $(VENV)/.docs
TEACHER_STAMP := $(VENV)/.teacher
RUNS ?= $(HOME)/.cache/nli/runs
MODEL := models/minilm-nli-news
ACCURATE := models/mpnet-teacher-v2
FNC := ../shared/data/fnc-1
LIMIT ?=
STAGES := minilm-news-v1 minilm-news-v1.1 minilm-news-v1.2 minilm-news-v1.3
TEACHER ?= mpnet-teacher-v2-one-session
TEACHER_EXPORT := $(RUNS)/$(TEACHER)/export
TEACHER_LABELS := models/mpnet-teacher-v2/teacher-labels.npz
STUDENT_EXPORT := $(RUNS)/minilm-student-v2/export
V3 ?= minilm-news-v3c
V3_EXPORT := $(RUNS)/$(V3)/export
WISE ?= 0.3
# The model a v3 candidate is mixed back towards: a folder or git:REVISION:FOLDER (nli interpolate).
WISE_BASE ?= $(MODEL)
STANCE_RECIPE := minilm-stance-v2
STANCE_MODEL := models/minilm-stance-v2
STANCE_LIMIT ?= 16000
SIZES ?= 100 400 1461

.DEFAULT_GOAL := help
.PHONY: help install demo test lint format docs eval eval-splits eval-sets eval-sets-accurate eval-slots eval-paraphrases \
	eval-stance eval-sets-stance eval-splitters bench bench-openvino bench-large bench-sets bench-train \
	train teacher teacher-export teacher-labels student student-eval teacher-eval v3 v3-wise v3-eval train-stance \
	thresholds combiner stance-model export teacher-ship dist clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	# The CPU build of torch, pinned: an unpinned torch pulls gigabytes of CUDA packages.
	$(BIN)/pip install --quiet torch==2.13.0
	$(BIN)/pip install --quiet -e ".[torch,dev,ray,docs]"
	touch $(STAMP)

$(TEACHER_STAMP): $(STAMP)
	$(BIN)/pip install --quiet -e ".[torch,dev,ray,docs,teacher]"
	touch $(TEACHER_STAMP)

help: ## list the targets by section
	@awk 'BEGIN {FS = ":.*## "} /^##@/ {printf "\n%s\n", substr($$0, 5)} /^[a-z0-9-]+:.*## / {printf "  %-20s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

##@ Use
install: $(STAMP) ## install nli, its models and the dev tools into .venv
demo: $(STAMP) ## score the bundled example set
	$(BIN)/nli score examples/dock-road-fire --top 8

test: $(STAMP) ## run the tests (two processes, a test file each at a time) and build the docs strictly
	$(BIN)/python -m pytest -q -n 2 --dist loadfile
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict --quiet --site-dir $(VENV)/site

lint: $(STAMP) ## ruff check and format check
	$(BIN)/ruff check nli tests
	$(BIN)/ruff format --check nli tests

format: $(STAMP) ## ruff format and fix
	$(BIN)/ruff format nli tests
	$(BIN)/ruff check --fix nli tests

docs: $(STAMP) ## build the manual into site/
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict

##@ Evaluate
eval: $(STAMP) ## real news through nli score's decision and by the model alone, both tiers -> eval/RESULTS.md
	$(BIN)/nli eval --real-news --tiers default accurate --results eval/RESULTS.md $(if $(LIMIT),--limit $(LIMIT),)

eval-splits: $(STAMP) ## the model alone on every evaluation split of ../shared/data -> eval/SPLITS.md
	$(BIN)/nli eval --all-splits --results eval/SPLITS.md $(if $(LIMIT),--limit $(LIMIT),)

eval-sets: $(STAMP) ## which articles of FNC-1 training sets disagree -> eval/ARTICLE_SETS.md
	$(BIN)/nli eval-sets --output eval/ARTICLE_SETS.md $(if $(LIMIT),--limit $(LIMIT),)

eval-sets-accurate: $(STAMP) ## the same sets through the accurate model -> eval/ARTICLE_SETS_ACCURATE.md
	$(BIN)/nli eval-sets --model $(ACCURATE) --configurations full --output eval/ARTICLE_SETS_ACCURATE.md $(if $(LIMIT),--limit $(LIMIT),)

eval-paraphrases: $(STAMP) ## false alarms on MRPC test paraphrases, both tiers (evaluation only: once per model version) -> eval/PARAPHRASES.md
	$(BIN)/nli eval --real-news mrpc-test-paraphrases --tiers default accurate --results eval/PARAPHRASES.md

eval-slots: $(STAMP) ## the slot comparison on hand-written typed pairs -> eval/SLOTS.md
	$(BIN)/nli eval-slots --output eval/SLOTS.md

eval-stance: $(STAMP) ## FNC-1 competition test, ARC test, Emergent test, aggregator alone and with the stance model -> eval/STANCE.md
	$(BIN)/nli stance-eval --benchmark --stance-model $(STANCE_MODEL) --output eval/STANCE.md $(if $(LIMIT),--limit $(LIMIT),)

eval-sets-stance: $(STAMP) ## held-out stories' sets with and without the stance model -> eval/ARTICLE_SETS_STANCE.md
	$(BIN)/nli eval-sets --stance-model $(STANCE_MODEL) --output eval/ARTICLE_SETS_STANCE.md

eval-splitters: $(STAMP) ## sentence splitters on hand-split and wrapped news paragraphs -> eval/SPLITTERS.md
	$(BIN)/nli split-eval --output eval/SPLITTERS.md

##@ Benchmark
bench: $(STAMP) ## torch against ONNX, and nli score's wall time -> eval/BENCH.md
	$(BIN)/nli bench --output eval/BENCH.md

bench-openvino: $(STAMP) ## OpenVINO's runtime against onnxruntime: a section of eval/BENCH.md
	$(BIN)/pip install --quiet -e ".[openvino]"
	$(BIN)/nli bench --only openvino --output eval/BENCH.md

bench-large: $(STAMP) ## one set of 1,000 to 10,000 tiny articles: time, peak RSS (LARGE=...) -> a section of eval/BENCH.md
	$(BIN)/nli bench --only large-set --output eval/BENCH.md $(if $(LARGE),--large-sizes $(LARGE),)

bench-sets: $(STAMP) ## nli score-sets on FNC-1 story clusters, local and Ray (SIZES=...) -> eval/BENCH_SETS.md
	$(BIN)/nli bench-sets --sizes $(SIZES) --output eval/BENCH_SETS.md

bench-train: $(TEACHER_STAMP) ## training pairs/s, bf16 autocast against fp32 -> eval/TRAIN_SPEED.md
	$(BIN)/nli bench-train --output eval/TRAIN_SPEED.md

##@ Train (checkpoints under RUNS, outside the repository; run again to resume)
train: $(STAMP) ## the v1 stages in order, then export and thresholds
	for stage in $(STAGES); do \
		NLI_RUNS_DIR=$(RUNS) $(BIN)/nli train --recipe nli/training/recipes/$$stage.toml --run-dir $(RUNS)/$$stage || exit 1; \
	done
	$(BIN)/nli export $(RUNS)/$(lastword $(STAGES))/final --out $(MODEL)
	$(BIN)/nli tune-thresholds --model $(MODEL)

teacher: $(TEACHER_STAMP) ## the all-mpnet-base-v2 teacher (TEACHER names its recipe)
	NLI_RUNS_DIR=$(RUNS) $(BIN)/nli train --recipe nli/training/recipes/$(TEACHER).toml --run-dir $(RUNS)/$(TEACHER)

teacher-export: $(TEACHER_STAMP) ## the finished teacher as fp16 weights and int8 ONNX, under RUNS
	$(BIN)/nli export $(RUNS)/$(TEACHER)/final --out $(TEACHER_EXPORT)

teacher-labels: $(TEACHER_STAMP) ## the teacher labels the student's news pool (resumable)
	$(BIN)/nli teacher-labels --teacher $(TEACHER_EXPORT) --out $(TEACHER_LABELS)

student: $(STAMP) ## model v2: v1.3 distilled from the teacher's labels
	NLI_RUNS_DIR=$(RUNS) $(BIN)/nli train --recipe nli/training/recipes/minilm-student-v2.toml --run-dir $(RUNS)/minilm-student-v2

student-eval: $(STAMP) ## v2's candidate on every split, outside the repository
	test -f $(STUDENT_EXPORT)/parity.json || $(BIN)/nli export $(RUNS)/minilm-student-v2/final --out $(STUDENT_EXPORT)
	$(BIN)/nli eval --all-splits --model $(STUDENT_EXPORT) --results $(RUNS)/minilm-student-v2/RESULTS.md

teacher-eval: $(TEACHER_STAMP) ## the teacher on every split, outside the repository
	$(BIN)/nli eval --all-splits --model $(TEACHER_EXPORT) --results $(RUNS)/$(TEACHER)/RESULTS.md

v3: $(STAMP) ## model v3: v2 taught minimal edits of real news sentences, exported under RUNS
	NLI_RUNS_DIR=$(RUNS) $(BIN)/nli train --recipe nli/training/recipes/experiments/$(V3).toml --run-dir $(RUNS)/$(V3)
	test -f $(V3_EXPORT)/parity.json || $(BIN)/nli export $(RUNS)/$(V3)/final --out $(V3_EXPORT)

v3-wise: $(STAMP) ## v3's candidate taken part of the way back to the shipped model (WISE: its share), as V3-wise under RUNS
	$(BIN)/nli interpolate $(WISE_BASE) $(RUNS)/$(V3)/final --weight $(WISE) --out $(RUNS)/$(V3)-wise/final
	$(BIN)/nli export $(RUNS)/$(V3)-wise/final --out $(RUNS)/$(V3)-wise/export

v3-eval: $(STAMP) ## v3's candidate with its own thresholds and decision, on the real-news dev sets (V3=recipe name)
	$(BIN)/nli tune-thresholds --model $(V3_EXPORT)
	$(BIN)/nli fit-combiner --model $(V3_EXPORT)
	$(BIN)/nli tune-decision --model $(V3_EXPORT)
	$(BIN)/nli eval --real-news --model $(V3_EXPORT) --results $(RUNS)/$(V3)/REAL_NEWS.md

train-stance: $(STAMP) ## the stance cross-encoder: train (resumable, under RUNS), then int8 ONNX into models/
	NLI_RUNS_DIR=$(RUNS) $(BIN)/nli train --recipe nli/training/recipes/$(STANCE_RECIPE).toml --run-dir $(RUNS)/$(STANCE_RECIPE)
	$(BIN)/nli export $(RUNS)/$(STANCE_RECIPE)/final --out $(STANCE_MODEL) --onnx-only

##@ Release (writes into models/ or dist/)
thresholds: $(STAMP) ## MODEL's verdict thresholds, chosen on LingNLI val
	$(BIN)/nli tune-thresholds --model $(MODEL)

combiner: $(STAMP) ## MODEL's contradiction decision: weights on natural and real-news pairs, threshold through the decision
	$(BIN)/nli fit-combiner --model $(MODEL) $(if $(COMBINER_LIMIT),--limit $(COMBINER_LIMIT),)
	$(BIN)/nli tune-decision --model $(MODEL)

stance-model: $(STAMP) ## MODEL's stance aggregator, FNC-1 training pairs outside the held-out stories
	$(BIN)/nli stance-train --model $(MODEL) --stances $(FNC)/train_stances.csv --bodies $(FNC)/train_bodies.csv --limit $(STANCE_LIMIT)

export: $(STAMP) ## rebuild MODEL's ONNX files from its fp16 weights, with parity checks
	$(BIN)/nli export $(MODEL) --embedder

teacher-ship: $(TEACHER_STAMP) ## the teacher as the accurate model: int8 ONNX with its side files
	$(BIN)/nli export $(RUNS)/$(TEACHER)/final --out $(ACCURATE) --onnx-only
	$(MAKE) thresholds combiner stance-model MODEL=$(ACCURATE) STANCE_LIMIT=6000 COMBINER_LIMIT=1500

dist: $(STAMP) ## the wheel and sdist into dist/
	$(BIN)/pip install --quiet build
	rm -rf dist
	$(BIN)/python -m build --outdir dist .
	ls -l dist

clean: ## remove .venv and caches
	rm -rf $(VENV) .pytest_cache .ruff_cache site
