"""Validation sets of every kind, written against the rapidata 3.27.1 public API: a
classification set (texts are not mixed in: media only, with contexts, media contexts,
explanations and a dimension), a text compare set, a select-words set with a lower required
completeness, a locate, a draw and a timestamp set, and a mixed set of rapids built one by
one; then a small compare job on the global audience pinned (through a saved revision) to
the compare set, a wait, the results.

Run it through runner.py, which points the SDK at the local server.
"""

from rapidata import Box, RapidataClient

client = RapidataClient()
validation = client.validation

IMG = "https://assets.rapidata.ai/"

validation.create_classification_set(
    name="Animal checks",
    instruction="What animal is this?",
    answer_options=["Cat", "Dog", "Bird"],
    datapoints=[IMG + "cat.jpg", IMG + "dog.jpg"],
    truths=[["Cat"], ["Dog", "Bird"]],
    contexts=["Look closely", "A pet"],
    media_contexts=[[IMG + "ref1.jpg"], [IMG + "ref2.jpg", IMG + "ref3.jpg"]],
    explanations=["Whiskers.", None],
    dimensions=["animals"],
)

compare_set = validation.create_compare_set(
    name="Joke checks",
    instruction="Which joke is funnier?",
    datapoints=[["joke a", "joke b"], ["joke c", "joke d"]],
    truths=["joke b", "joke c"],
    data_type="text",
    contexts=["Two jokes", "Two more"],
)

validation.create_select_words_set(
    name="Caption checks",
    instruction="Select the words the image does not show.",
    truths=[[1], [1, 2]],
    datapoints=[IMG + "black_cat.jpg", IMG + "red_bus.jpg"],
    sentences=["a white cat on a beach", "a blue car in the snow"],
    required_completeness=0.5,
    explanation=[None, "The bus is red."],
)

validation.create_locate_set(
    name="Glitch checks",
    instruction="Tap the glitch.",
    truths=[
        [Box(x_min=0.1, y_min=0.2, x_max=0.3, y_max=0.4)],
        [Box(x_min=0.0, y_min=0.0, x_max=0.5, y_max=0.5), Box(x_min=0.25, y_min=0.25, x_max=0.75, y_max=0.75)],
    ],
    datapoints=[IMG + "glitch1.jpg", IMG + "glitch2.jpg"],
    contexts=["A render", "Another render"],
)

validation.create_draw_set(
    name="Outline checks",
    instruction="Draw over the cat.",
    truths=[[Box(x_min=0.2, y_min=0.2, x_max=0.6, y_max=0.8)]],
    datapoints=[IMG + "cat.jpg"],
    media_contexts=[[IMG + "ref1.jpg"]],
)

validation.create_timestamp_set(
    name="Goal checks",
    instruction="Stop when the ball crosses the line.",
    truths=[[(1200, 1900)], [(0, 500), (4000, 4500)]],
    datapoints=[IMG + "goal1.mp4", IMG + "goal2.mp4"],
    explanation=[None, "There are two goals."],
)

rapids = validation.rapid
validation.create_mixed_set(
    name="Mixed checks",
    rapids=[
        rapids.classification_rapid(
            instruction="Is the statement true?",
            answer_options=["True", "False"],
            datapoint="Fish can fly.",
            truths=["False"],
            data_type="text",
        ),
        rapids.compare_rapid(
            instruction="Which image is sharper?",
            truth=IMG + "sharp.jpg",
            datapoint=[IMG + "sharp.jpg", IMG + "blurry.jpg"],
            context="Same scene",
        ),
        rapids.timestamp_rapid(
            instruction="Stop at the goal.",
            truths=[(10, 20)],
            datapoint=IMG + "goal1.mp4",
            explanation="The ball crosses the line early.",
        ),
    ],
    dimensions=["mixed"],
)

job_definition = client.job.create_compare_job_definition(
    name="Joke Job",
    instruction="Which joke is funnier?",
    datapoints=[["joke e", "joke f"]],
    data_type="text",
    responses_per_datapoint=3,
)
job_definition.validation_set_id = compare_set.id
job_definition.save()

audience = client.audience.get_audience_by_id("global")
job = audience.assign_job(job_definition)
job.display_progress_bar(refresh_rate=1)
results = job.get_results()
print(results)

if not results or not results.get("results"):
    raise SystemExit("validation_sets: FAILED (empty results)")
print(f"validation_sets: OK (job {job.id}, {len(results['results'])} results)")
