"""Output writers of a build: English articles, pairs.jsonl, the Hugging Face
dataset folder and its card, manifest.json and report.html.

Each sink reads pairs as a stream (usually from the pairs file), so memory
stays bounded, and writes atomically (temp file or directory, then rename).
"""
