"""Free-text workflow, written against the rapidata 3.27.1 public API. Free text cannot be
graded, so the custom audience is qualified with classification examples (min_tasks=3);
the job has two datapoints with contexts and private metadata, a minimum-length setting,
4 responses per datapoint, a job, a wait, the results.

Run it through runner.py, which points the SDK at the local server.
"""

from scenario_kit import animal_audience, run_to_results
from rapidata import RapidataClient, FreeTextMinimumCharactersSetting

client = RapidataClient()

audience = animal_audience(client, "Caption Audience")

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

run_to_results(audience, job_definition, "free_text")
