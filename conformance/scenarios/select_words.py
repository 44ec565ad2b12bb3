"""Select-words workflow on a custom audience qualified with select-words examples,
written against the rapidata 3.27.1 public API: 3 examples (one with an explanation, one
with two truth words and a lower required completeness), explicit recruiting, a job with
sentences and private metadata, a job, a wait, the results.

Run it through runner.py, which points the SDK at the local server.
"""

from scenario_kit import run_to_results
from rapidata import RapidataClient

client = RapidataClient()

audience = client.audience.create_audience(name="Caption Checkers", min_tasks=3)

instruction = "Select the words not correctly depicted in the image."
audience.add_select_words_example(
    instruction=instruction,
    datapoint="https://assets.rapidata.ai/black_cat.jpg",
    sentence="a white cat on a sunny beach [No_mistakes]",
    truths=[1],
    explanation="The cat in the image is black, not white.",
)
audience.add_select_words_example(
    instruction=instruction,
    datapoint="https://assets.rapidata.ai/red_bus.jpg",
    sentence="a blue car in the snow [No_mistakes]",
    truths=[1, 2],
    required_completeness=0.5,
)
audience.add_select_words_example(
    instruction=instruction,
    datapoint="https://assets.rapidata.ai/two_dogs.jpg",
    sentence="two dogs playing in a park [No_mistakes]",
    truths=[6],
)

audience.start_recruiting()

job_definition = client.job.create_select_words_job_definition(
    name="Caption Check Job",
    instruction=instruction,
    datapoints=[
        "https://assets.rapidata.ai/cat_couch.jpg",
        "https://assets.rapidata.ai/car_rain.jpg",
    ],
    sentences=[
        "A cat on a red couch [No_mistakes]",
        "A blue car in the rain [No_mistakes]",
    ],
    responses_per_datapoint=4,
    private_metadata=[{"id": "a"}, {"id": "b"}],
)

run_to_results(audience, job_definition, "select_words")
