"""A small synthetic screening set: stem-cell trials in systemic sclerosis among other topics."""

import random

RELEVANT = [
    "Mesenchymal stem cell transplantation in systemic sclerosis: a phase II trial",
    "Autologous mesenchymal stromal cells for digital ulcers in systemic sclerosis",
    "Safety of mesenchymal stem cells infused in patients with scleroderma skin fibrosis",
    "Adipose derived mesenchymal stem cells improve hand function in systemic sclerosis",
    "Modified Rodnan skin score after mesenchymal stem cell therapy for scleroderma",
    "Umbilical cord mesenchymal stem cells in diffuse cutaneous systemic sclerosis",
]
OTHER_TOPICS = [
    "Statin therapy and cardiovascular events in elderly patients",
    "Cognitive behavioural therapy for insomnia in adolescents",
    "Antibiotic prophylaxis before dental extraction: a cohort study",
    "Physical exercise and depressive symptoms in older adults",
    "Vitamin D supplementation and fracture risk in postmenopausal women",
    "Deep learning for diabetic retinopathy grading in fundus photographs",
    "Helmet use and head injury among urban cyclists",
    "Smoking cessation counselling in primary care clinics",
    "Proton pump inhibitors and community acquired pneumonia",
    "School based nutrition programmes and childhood obesity",
]
FILLER = "patients outcome study results methods data analysis group".split()


def synthetic_set(n_irrelevant: int = 34, seed: int = 1) -> tuple[list[str], list[int]]:
    """Texts and 0/1 labels, relevant records spread through the list (deterministic)."""
    rng = random.Random(seed)
    records = [(title, 1) for title in RELEVANT]
    records += [(OTHER_TOPICS[i % len(OTHER_TOPICS)] + f" ({i})", 0) for i in range(n_irrelevant)]
    rng.shuffle(records)
    texts = [f"{title}. " + " ".join(rng.choices(FILLER, k=4)) for title, _ in records]
    return texts, [label for _, label in records]
