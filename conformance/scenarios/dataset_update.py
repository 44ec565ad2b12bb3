"""New datasets on existing job definitions, written against the rapidata 3.27.1 public API:
a classification definition on two images (options per datapoint) runs a job, then gets
three new images with shared options and contexts through set_datapoints() + save(), and
runs a second job on the new revision; a free-text definition on two images gets three
text datapoints with private metadata through update_dataset(), and runs a job.

Credentials and environment come from RAPIDATA_CLIENT_ID / RAPIDATA_CLIENT_SECRET /
RAPIDATA_ENVIRONMENT; run it through runner.py, which points the SDK at the local server.
"""

import warnings

from rapidata import RapidataClient

client = RapidataClient()

audience = client.audience.create_audience(name="Pet Audience", min_tasks=3)

for animal in ["cat", "dog", "bird"]:
    audience.add_classification_example(
        instruction="What animal is shown?",
        answer_options=["cat", "dog", "bird"],
        datapoint=f"https://assets.rapidata.ai/{animal}.jpg",
        truth=[animal],
    )

audience.start_recruiting()

pets = client.job.create_classification_job_definition(
    name="Pet Job",
    instruction="What animal is shown?",
    answer_options=[["cat", "dog"], ["cat", "dog", "bird"]],
    datapoints=[
        "https://assets.rapidata.ai/pet_1.jpg",
        "https://assets.rapidata.ai/pet_2.jpg",
    ],
    responses_per_datapoint=3,
)
first = audience.assign_job(pets)

pets.set_datapoints(
    datapoints=[
        "https://assets.rapidata.ai/pet_3.jpg",
        "https://assets.rapidata.ai/pet_4.jpg",
        "https://assets.rapidata.ai/pet_5.jpg",
    ],
    contexts=["On a sofa.", "In a garden.", "On a roof."],
    answer_options=["cat", "dog", "bird"],
)
revision = pets.save()
second = audience.assign_job(pets)

captions = client.job.create_free_text_job_definition(
    name="Caption Job",
    instruction="Describe the image in one sentence.",
    datapoints=[
        "https://assets.rapidata.ai/red_car.jpg",
        "https://assets.rapidata.ai/blue_boat.jpg",
    ],
    responses_per_datapoint=3,
)
with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    captions.update_dataset(
        datapoints=["A red car.", "A blue boat.", "A green tree."],
        data_type="text",
        private_metadata=[{"id": "car"}, {"id": "boat"}, {"id": "tree"}],
    )
third = audience.assign_job(captions)

counts = []
for job in (first, second, third):
    job.display_progress_bar(refresh_rate=1)  # the wait: blocks until the job is Completed
    results = job.get_results()
    counts.append(len(results["results"]))
print(counts)

if revision != 2 or counts != [2, 3, 3]:
    raise SystemExit(f"dataset_update: FAILED (revision {revision}, results {counts})")
print(f"dataset_update: OK (audience {audience.id}, revision {revision}, results {counts})")
