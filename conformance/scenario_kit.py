"""Steps the scenarios share, written against the rapidata 3.27.1 public API.

Importable from every scenario: runner.py puts this folder on sys.path before it runs one.
"""


def animal_audience(client, name):
    """A custom audience qualified with three classification examples (cat, dog, bird;
    min_tasks=3), recruiting."""
    audience = client.audience.create_audience(name=name, min_tasks=3)
    for animal in ["cat", "dog", "bird"]:
        audience.add_classification_example(
            instruction="What animal is shown?",
            answer_options=["cat", "dog", "bird"],
            datapoint=f"https://assets.rapidata.ai/{animal}.jpg",
            truth=[animal],
        )
    audience.start_recruiting()
    return audience


def run_to_results(audience, job_definition, scenario):
    """Assigns the definition, waits with the progress bar (1 s polls keep runs short),
    prints the results and ends the process with an error when there are none."""
    job = audience.assign_job(job_definition)
    job.display_progress_bar(refresh_rate=1)  # the wait: blocks until the job is Completed
    results = job.get_results()
    print(results)
    if not results or not results.get("results"):
        raise SystemExit(f"{scenario}: FAILED (empty results)")
    print(f"{scenario}: OK (audience {audience.id}, job {job.id}, {len(results['results'])} results)")
    return results
