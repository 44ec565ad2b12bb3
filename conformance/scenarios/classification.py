"""Classification workflow on a custom audience, written against the rapidata 3.27.1
public API: 3 qualification examples (min_tasks=3), explicit recruiting, a job definition
whose two datapoints have different answer options (options per datapoint, new in the
2026.10.25 API), a job, a wait, the results.

Credentials and environment come from RAPIDATA_CLIENT_ID / RAPIDATA_CLIENT_SECRET /
RAPIDATA_ENVIRONMENT; run it through runner.py, which points the SDK at the local server.
"""

from scenario_kit import animal_audience
from rapidata import RapidataClient

client = RapidataClient()

audience = animal_audience(client, "Animal Audience")

job_definition = client.job.create_classification_job_definition(
    name="Animal Job",
    instruction="What animal is shown?",
    answer_options=[["cat", "dog"], ["cat", "dog", "bird"]],
    datapoints=[
        "https://assets.rapidata.ai/pet_1.jpg",
        "https://assets.rapidata.ai/pet_2.jpg",
    ],
    responses_per_datapoint=5,
)

job = audience.assign_job(job_definition)
job.display_progress_bar(refresh_rate=1)  # the wait: blocks until the job is Completed
results = job.get_results()
print(results)

if not results:
    raise SystemExit("classification: FAILED (empty results)")
print(f"classification: OK (audience {audience.id}, job {job.id}, {len(results)} result keys)")
