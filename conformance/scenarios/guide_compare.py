"""The complete example of the "Custom Audiences" guide (shared/seed/custom-audiences.md),
written against the rapidata 3.27.1 public API.

One adaptation, as the SDK's own guide (_skill/SKILL.md, "Custom Audiences") requires for
this API generation: recruiting is explicit and the server checks the example count, so the
audience is created with min_tasks=8 (the guide adds 8 examples) and start_recruiting() is
called after the examples and before the job is assigned.

Credentials and environment come from RAPIDATA_CLIENT_ID / RAPIDATA_CLIENT_SECRET /
RAPIDATA_ENVIRONMENT; run it through runner.py, which points the SDK at the local server.
"""

from rapidata import RapidataClient

client = RapidataClient()

audience = client.audience.create_audience(
    name="Custom Prompt Alignment Audience", min_tasks=8
)

DATAPOINTS = [
    ["https://assets.rapidata.ai/flux_sign_diffusion.jpg", "https://assets.rapidata.ai/mj_sign_diffusion.jpg"],
    ["https://assets.rapidata.ai/flux_duck.jpg", "https://assets.rapidata.ai/mj_duck.jpg"],
    ["https://assets.rapidata.ai/flux_book.jpg", "https://assets.rapidata.ai/mj_book.jpg"],
    ["https://assets.rapidata.ai/flux_flower.jpg", "https://assets.rapidata.ai/mj_flower.jpg"],
    ["https://assets.rapidata.ai/flux_store_front.jpg", "https://assets.rapidata.ai/mj_store_front.jpg"],
    ["https://assets.rapidata.ai/flux_hand.jpg", "https://assets.rapidata.ai/mj_hand.jpg"],
    ["https://assets.rapidata.ai/flux_traffic_lights.jpg", "https://assets.rapidata.ai/mj_traffic_lights.jpg"],
    ["https://assets.rapidata.ai/flux_plane.jpg", "https://assets.rapidata.ai/mj_plane.jpg"],
]
PROMPTS = [
    "A sign that says 'Diffusion'.",
    "A psychedelic duck with glasses",
    "A small blue book sitting on a large red book.",
    "A yellow flower sticking out of a bright green pot.",
    "A store front with 'hello world' written on it.",
    "A yellow hand on a black stone.",
    "A green, yellow and red traffic light.",
    "A plane flying over a person.",
]

for prompt, datapoint in zip(PROMPTS, DATAPOINTS):
    audience.add_compare_example(
        instruction="Which image follows the prompt more accurately?",
        datapoint=datapoint,
        truth=datapoint[0],
        context=prompt,
    )

audience.start_recruiting()

job_definition = client.job.create_compare_job_definition(
    name="Prompt Alignment Job",
    instruction="Which image follows the prompt more accurately?",
    datapoints=[
        ["https://assets.rapidata.ai/flux_book.jpg",
         "https://assets.rapidata.ai/mj_book.jpg"]
    ],
    contexts=["A small blue book sitting on a large red book."],
)

job_definition.preview()  # the guard turns the browser launch into a printed URL

job = audience.assign_job(job_definition)
job.display_progress_bar(refresh_rate=1)  # the guide's call; 1 s polls keep the run short
results = job.get_results()
print(results)

if not results:
    raise SystemExit("guide_compare: FAILED (empty results)")
print(f"guide_compare: OK (audience {audience.id}, job {job.id}, {len(results)} result keys)")
