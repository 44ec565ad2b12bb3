"""Timestamp workflow, written against rapidata 3.27.1: the SDK has this kind only as the
private `JobManager._create_timestamp_job_definition` (documented as not fully supported),
called here as it is. The audience is trained with classification examples (there are no
timestamp examples); the job has two videos with contexts and private metadata.

Run it through runner.py, which points the SDK at the local server.
"""

from rapidata import RapidataClient

client = RapidataClient()

audience = client.audience.create_audience(name="Moment Audience", min_tasks=3)

for animal in ["cat", "dog", "bird"]:
    audience.add_classification_example(
        instruction="What animal is shown?",
        answer_options=["cat", "dog", "bird"],
        datapoint=f"https://assets.rapidata.ai/{animal}.jpg",
        truth=[animal],
    )

audience.start_recruiting()

job_definition = client.job._create_timestamp_job_definition(
    name="Moment Job",
    instruction="Mark the moment the ball crosses the line.",
    datapoints=[
        "https://assets.rapidata.ai/match_1.mp4",
        "https://assets.rapidata.ai/match_2.mp4",
    ],
    responses_per_datapoint=4,
    contexts=["First half.", "Second half."],
    private_metadata=[{"id": "1"}, {"id": "2"}],
)

job = audience.assign_job(job_definition)
job.display_progress_bar(refresh_rate=1)
results = job.get_results()
print(results)

if not results or not results.get("results"):
    raise SystemExit("timestamp: FAILED (empty results)")
print(f"timestamp: OK (audience {audience.id}, job {job.id}, {len(results['results'])} results)")
