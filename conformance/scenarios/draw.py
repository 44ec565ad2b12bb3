"""Draw workflow on a custom audience qualified with draw examples, written against the
rapidata 3.27.1 public API: 3 draw examples with boxes (one with a context, one with an
explanation, one with two boxes), explicit recruiting, a draw job with contexts and
private metadata, a job, a wait, the results.

Run it through runner.py, which points the SDK at the local server.
"""

from scenario_kit import run_to_results
from rapidata import RapidataClient, Box

client = RapidataClient()

audience = client.audience.create_audience(name="Glitch Painters", min_tasks=3)

instruction = "Color in the glitch in the image."
audience.add_draw_example(
    instruction=instruction,
    datapoint="https://assets.rapidata.ai/glitch_1.jpg",
    truths=[Box(x_min=0.1, y_min=0.2, x_max=0.3, y_max=0.5)],
    context="Look at the left side.",
)
audience.add_draw_example(
    instruction=instruction,
    datapoint="https://assets.rapidata.ai/glitch_2.jpg",
    truths=[Box(x_min=0.5, y_min=0.5, x_max=0.75, y_max=1.0)],
    explanation="The hand has six fingers.",
)
audience.add_draw_example(
    instruction=instruction,
    datapoint="https://assets.rapidata.ai/glitch_3.jpg",
    truths=[
        Box(x_min=0.0, y_min=0.0, x_max=0.25, y_max=0.25),
        Box(x_min=0.6, y_min=0.6, x_max=0.8, y_max=0.9),
    ],
)

audience.start_recruiting()

job_definition = client.job.create_draw_job_definition(
    name="Glitch Drawing Job",
    instruction="Color in any visual glitch in the image.",
    datapoints=[
        "https://assets.rapidata.ai/render_1.jpg",
        "https://assets.rapidata.ai/render_2.jpg",
    ],
    responses_per_datapoint=4,
    contexts=["A portrait.", "A landscape."],
    private_metadata=[{"id": "p"}, {"id": "l"}],
)

run_to_results(audience, job_definition, "draw")
