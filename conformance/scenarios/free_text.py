"""Free-text workflow, written against the rapidata 3.27.1 public API. Free text cannot be
graded, so the custom audience is qualified with classification examples (min_tasks=3);
the job has two datapoints with contexts and private metadata, a minimum-length setting,
4 responses per datapoint, a job, a wait, the results.

Run it through runner.py, which points the SDK at the local server.
"""

from rapidata import RapidataClient, FreeTextMinimumCharactersSetting

client = RapidataClient()

audience = client.audience.create_audience(name="Caption Audience", min_tasks=3)

for animal in ["cat", "dog", "bird"]:
    audience.add_classification_example(
        instruction="What animal is shown?",
        answer_options=["cat", "dog", "bird"],
        datapoint=f"https://assets.rapidata.ai/{animal}.jpg",
        truth=[animal],
    )

audience.start_recruiting()

job_definition = client.job.create_free_text_job_definition(
    name="Caption Job",
    instruction="Describe the image in one sentence.",
    datapoints=[
        "https://assets.rapidata.ai/red_car.jpg",
        "https://assets.rapidata.ai/blue_boat.jpg",
    ],
    responses_per_datapoint=4,
    contexts=["A car on a street.", "A boat on a lake."],
    settings=[FreeTextMinimumCharactersSetting(10)],
    private_metadata=[{"id": "car"}, {"id": "boat"}],
)

job = audience.assign_job(job_definition)
job.display_progress_bar(refresh_rate=1)
results = job.get_results()
print(results)

if not results or not results.get("results"):
    raise SystemExit("free_text: FAILED (empty results)")
print(f"free_text: OK (audience {audience.id}, job {job.id}, {len(results['results'])} results)")
