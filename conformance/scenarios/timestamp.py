"""Timestamp workflow, written against rapidata 3.27.1: the SDK has this kind only as the
private `JobManager._create_timestamp_job_definition` (documented as not fully supported),
called here as it is. The audience is trained with classification examples (there are no
timestamp examples); the job has two videos with contexts and private metadata.

Run it through runner.py, which points the SDK at the local server.
"""

from scenario_kit import animal_audience, run_to_results
from rapidata import RapidataClient

client = RapidataClient()

audience = animal_audience(client, "Moment Audience")

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

run_to_results(audience, job_definition, "timestamp")
