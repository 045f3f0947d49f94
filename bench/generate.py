"""Write a realistic synthetic catalog of N datasets in the project's YAML format (for the benchmark).

The shape follows the 14 real entries in ``data/``: which cells the list leaves as ``-``, how modality,
task and size cells read in English and Chinese, where the data is hosted, how papers, authors, venues and
dates look, how often a fact carries a note and its sources, and that some datasets share a paper (and many
papers share authors). Every value is drawn from ``random.Random(seed)``, so a seed always gives the same
bytes; ids are unique. The files are written by a small emitter in the style of the real ones (flow
mappings for cells, quoted dates), not by ``yaml.dump``, which would take minutes at 100,000 entries.

    python bench/generate.py 10000 /tmp/catalog-10k [--seed 0]
"""

from __future__ import annotations

import argparse
import datetime
import json
import random
import re
import shutil
import sys
from pathlib import Path
from typing import Any

__all__ = ["generate", "MARKER"]

MARKER = "# Synthetic medvlm-kg catalog written by bench/generate.py"
BASE_IRI = "https://w3id.org/medvlm-kg/"
README = "https://github.com/yezanting/Med-VLM-Bench-Summary/blob/main/README.md"

# ---- the seed's shape, as data ---------------------------------------------------------------------------
#
# Each table lists (value, weight); the weights are the real catalog's counts where it has the case, and
# small weights for concepts and platforms the ontology knows but the 14 rows do not use yet.

# A dataset's domain decides its name, its title's subject and its modality cell.
_DOMAINS: list[tuple[dict, int]] = [
    (
        {
            "prefixes": ["Med", "Clin", "Bio", "Health", "Doc", "MedS-", "Alpha", "MedCase"],
            "subject": ["Medicine", "Clinical Practice", "Medical Question Answering", "Clinical Case Reports"],
            "modality": [([("text", None)], 1)],
            "text_only": True,
        },
        5,
    ),
    (
        {
            "prefixes": ["Med", "GMAI-", "Omni", "MM-", "PMC-", "Multi", "Uni", "Gen"],
            "subject": ["Medicine", "General Medical AI", "Medical Imaging", "Biomedical Figures"],
            "modality": [
                ([("image", None), ("text", None)], 3),
                ([("medical-image", None), ("text", "qa")], 2),
                ([("multimodal", None)], 2),
            ],
        },
        6,
    ),
    (
        {
            "prefixes": ["Path", "Histo", "Quilt", "PathMM", "Patho"],
            "subject": ["Pathology", "Histopathology", "Computational Pathology"],
            "modality": [([("pathology", None), ("text", None)], 1)],
        },
        2,
    ),
    (
        {
            "prefixes": ["Rad", "Chest", "CXR-", "VQA-Rad", "CT-", "MRI-", "Radio"],
            "subject": ["Radiology", "Chest X-rays", "Radiography Images", "Computed Tomography", "Brain MRI"],
            "modality": [
                ([("radiography", None)], 2),
                ([("radiography", None), ("text", None)], 1),
                ([("ct", None), ("text", None)], 1),
                ([("mri", None), ("text", None)], 1),
            ],
        },
        3,
    ),
    (
        {
            "prefixes": ["Derm", "Skin", "MM-Skin", "Lesion"],
            "subject": ["Dermatology", "Skin Lesions"],
            "modality": [([("dermatology", None), ("text", None)], 1), ([("image", None), ("text", None)], 1)],
        },
        1,
    ),
    (
        {
            "prefixes": ["Surg", "Endo", "Lap", "SurgVLM-", "Colono"],
            "subject": ["Surgery", "Surgical Intelligence", "Endoscopy"],
            "modality": [([("video", None), ("text", None)], 2), ([("endoscopy", None), ("text", None)], 1)],
        },
        1,
    ),
    (
        {
            "prefixes": ["Echo", "US-", "Sono"],
            "subject": ["Ultrasound", "Echocardiography"],
            "modality": [([("ultrasound", None), ("text", None)], 1)],
        },
        1,
    ),
    (
        {
            "prefixes": ["Oph", "Retina", "Fundus", "Eye"],
            "subject": ["Ophthalmology", "Retinal Imaging"],
            "modality": [([("medical-image", None), ("text", None)], 1)],
        },
        1,
    ),
]

# concept id → (English cell word, Chinese cell word)
_MODALITY_WORDS = {
    "text": ("Text", "文本"),
    "image": ("Image", "图像"),
    "medical-image": ("Medical Images", "医学图像"),
    "radiography": ("Radiography", "放射图像"),
    "ct": ("CT", "CT"),
    "mri": ("MRI", "磁共振"),
    "ultrasound": ("Ultrasound", "超声"),
    "pathology": ("Pathology Image", "病理图像"),
    "dermatology": ("Dermatology Image", "皮肤科图像"),
    "endoscopy": ("Endoscopy Image", "内镜图像"),
    "video": ("Video", "视频"),
}

# (concepts, English cell, Chinese cell, for text-only data?), weight
_TASKS: list[tuple[tuple[list[str], str, str, str], int]] = [
    ((["vqa"], "VQA", "医学VQA", "image"), 4),
    ((["question-answering", "reasoning"], "QA Reasoning", "推理问答", "text"), 1),
    ((["open-ended-qa", "closed-ended-qa"], "Open/Closed QA", "开放与封闭问答", "any"), 1),
    ((["vqa", "reasoning", "report-generation"], "VQA, Reasoning, Report Gen.", "医学VQA、推理、报告生成", "image"), 1),
    ((["diagnostic-reasoning"], "Diagnostic Reasoning", "诊断推理", "any"), 1),
    ((["clinical-task-evaluation"], "Clinical Task Benchmark", "临床任务评估", "text"), 1),
    ((["instruction-tuning"], "Instruction Tuning", "指令微调", "any"), 1),
    ((["open-ended-vqa"], "Open-ended VQA (no reasoning)", "开放式VQA（无推理）", "image"), 1),
    ((["multi-task-evaluation"], "Multi-task Evaluation", "多任务评估", "any"), 1),
    ((["multiple-choice-qa", "reasoning"], "Multi-choice, Reasoning", "选择题+推理", "any"), 1),
    ((["multimodal-qa"], "Multimodal QA", "多模态问答", "image"), 1),
    ((["report-generation"], "Report Generation", "报告生成", "image"), 1),
    ((["vqa", "report-generation"], "VQA, Report Gen.", "医学VQA、报告生成", "image"), 1),
    ((["multiple-choice-qa"], "Multi-choice QA", "选择题问答", "any"), 1),
]

# unit → (low, high) of a log-uniform count, English words, Chinese words
_UNITS = {
    "qa-pair": ((300, 8_000_000), ["QAs", "QA pairs", "QA", "image–QA pairs", "QA cases"], ["问答", "问答对", "对话"]),
    "image": ((100, 500_000), ["images"], ["图像"]),
    "frame": ((10_000, 5_000_000), ["frames"], ["帧"]),
    "instance": ((100_000, 20_000_000), ["instances"], ["样本"]),
    "instruction": ((1_000, 50_000), ["instructions"], ["指令"]),
    "task": ((3, 30), ["tasks"], ["任务"]),
    "dataset": ((5, 100), ["datasets"], ["数据集"]),
    "task-type": ((5, 30), ["task types"], ["大类任务"]),
}

# label, weight, URL pattern ({org}, {name}, {num}, {key})
_PLATFORMS = [
    ("HF", 7, "https://huggingface.co/datasets/{org}/{name}"),
    ("GitHub", 6, "https://github.com/{org}/{name}"),
    ("OSF", 1, "https://osf.io/{key}/"),
    ("OpenXLab", 1, "https://openxlab.org.cn/datasets/{org}/{name}"),
    ("Zenodo", 1, "https://zenodo.org/records/{num}"),
    ("Kaggle", 1, "https://www.kaggle.com/datasets/{org}/{slug}"),
    ("PhysioNet", 1, "https://physionet.org/content/{slug}/1.0.0/"),
    ("Google Drive", 1, "https://drive.google.com/drive/folders/{key}"),
]

_CONFERENCES = ["NeurIPS", "CVPR", "ICCV", "ECCV", "MICCAI", "ACL", "EMNLP", "AAAI", "ICLR", "KDD"]
_JOURNALS = [
    "Scientific Data",
    "npj Digital Medicine",
    "Nature Communications",
    "Medical Image Analysis",
    "IEEE Transactions on Medical Imaging",
    "Radiology: Artificial Intelligence",
]
_LICENSES = [
    ("CC-BY-4.0", 4),
    ("Apache-2.0", 3),
    ("CC-BY-NC-SA-4.0", 2),
    ("CC-BY-ND-4.0", 1),
    ("MIT", 2),
    ("CC-BY-SA-4.0", 1),
    ("CC0-1.0", 1),
    ("CC-BY-NC-4.0", 2),
]
_YEARS = [(2018, 1), (2019, 1), (2020, 2), (2021, 3), (2022, 5), (2023, 10), (2024, 25), (2025, 30)]

_CORES = ["VQA", "Bench", "MMBench", "QA", "Reason", "Instruct", "Cap", "Eval", "Gen", "DB", "Ins", "Chat", "CoT"]
_SUFFIXES = ["", "", "", "-Bench", "-Pro", "19K", "-X", "2", "-v2", "-Plus", "-DB", "-Ins", "-CN", "-R1"]
_ADJECTIVES = [
    "Large-Scale",
    "Comprehensive",
    "Multimodal",
    "Expert-Level",
    "Bilingual",
    "Fine-Grained",
    "Clinically Grounded",
    "Holistic",
    "Trustworthy",
    "Open",
]
_KINDS = ["Benchmark", "Dataset", "Evaluation Suite", "Instruction Dataset", "Corpus", "Database", "Testbed"]
_GOALS = [
    "Visual Question Answering",
    "Diagnostic Reasoning",
    "Report Generation",
    "Understanding and Reasoning",
    "Clinical Decision Support",
    "Trustworthiness",
    "Visual Grounding",
    "Instruction Following",
]
_MODELS = ["Vision-Language Models", "Large Multimodal Models", "Medical LLMs", "Medical LVLMs"]
_EXPERTS = ["Human Doctors", "Radiologists", "Pathologists", "Clinicians"]

_GIVEN_CN = (
    "Wei Jing Yu Hao Xin Yan Li Chen Ying Jun Lei Tao Hui Zhen Yuxuan Chaoyi Weidi Ya Yanfeng Pengcheng Jin "
    "Xiaoman Ziheng Zhitao Yueming Tianhong Qizi Kai Yunlong Junde Haozhe Jiazhen Zhongwei Fangzhen Wenqi Yuqi "
    "Chenxi Weimin Bo Xuegong Haiyang Yingtao Chuxi Quanfeng Tianbin Junjun Ping Guoan Yanjun Zhongying Ruibo "
    "Yangrui Juanxi Huaxiu Ze Shaoting Zhiyong Xiaosong Jianfeng Mingxuan Siyuan Qian Feng Yiming Zhe Xiang "
    "Jiaxin Yifan Ruoxi Shuo Hongyu Xinyu Jiayu Zhihao Yuhan Mengyue Jingxiong Xinheng Lin Sunyi Chenglu"
).split()
_FAMILY_CN = (
    "Zhang Wang Li Liu Chen Yang Huang Zhao Wu Zhou Xu Sun Ma Zhu Hu Guo He Lin Luo Gao Zheng Liang Xie Song "
    "Tang Han Feng Deng Cao Peng Zeng Xiao Tian Dong Pan Yuan Cai Jiang Yu Du Ye Cheng Wei Su Lu Ding Ren Shen "
    "Yao Qiu Jin Qiao Bian Lyu Tan Shao"
).split()
_GIVEN_W = (
    "James Kevin Eric Angela Rahul Arvind Alejandro Daniel Rossella Corentin Bjoern Anjany Anna Maria David "
    "Sarah Michael Laura Thomas Julia Mark Emma Lucas Sophie Marco Elena Pierre Hannah Jonas Olivia Matteo Ines "
    "Samuel Nora Felix Clara Ahmed Priya Arjun Fatima Omar Yuki Kenji Hiroshi Min-jun Seo-yeon Ji-ho"
).split()
_FAMILY_W = [
    *"Smith Johnson Brown Garcia Miller Davis Rodriguez Martinez Thapa Suresh Lozano Zou Rueckert Arcucci".split(),
    *"Menze Sekuboyina Royer Bai Müller Schmidt Rossi Bianchi Dubois Moreau Novak Kowalski Jansen".split(),
    *"Nielsen Larsen Silva Santos Kumar Patel Sharma Singh Khan Ali Tanaka Suzuki Sato Kim Park Lee".split(),
    *"Choi Nguyen Tran O'Brien Murphy Walsh".split(),
    "de Vries",
]
_ORGS = [
    "OpenGVLab",
    "RadGenome",
    "jamessyx",
    "Henrychur",
    "che111",
    "MAGIC-AI4Med",
    "jinlab-imvr",
    "GMAI",
    "StanfordAIMI",
    "microsoft",
    "BAAI",
    "FreedomIntelligence",
    "UCSC-VLAA",
    "mbzuai",
    "shanghai-ai-lab",
]
_SOURCE_SITES = [
    "https://www.semanticscholar.org/arxiv/{arxiv}",
    "https://paperswithcode.com/paper/{slug}",
    "https://emergentmind.com/papers/{arxiv}",
    "https://huggingface.co/papers/{arxiv}",
]


def _pick(rng: random.Random, table: list[tuple[Any, int]]) -> Any:
    values, weights = zip(*table, strict=True)
    return rng.choices(values, weights)[0]


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "x"


# ---- people: a pool with popular senior authors, so papers share authors as real ones do -----------------


def _name_pool(rng: random.Random, size: int) -> list[str]:
    bases = [f"{g} {f}" for g in _GIVEN_CN for f in _FAMILY_CN] + [f"{g} {f}" for g in _GIVEN_W for f in _FAMILY_W]
    rng.shuffle(bases)
    pool: list[str] = []
    seen: set[str] = set()
    initials = "ABCDEFGHJKLMNPRSTWXYZ"
    round_ = 0
    while len(pool) < size:
        for base in bases:
            if len(pool) >= size:
                break
            if round_ == 0:
                name = base
            else:
                given, family = base.rsplit(" ", 1) if " de " not in base else base.split(" ", 1)
                letters = "".join(initials[(round_ // len(initials) ** k) % len(initials)] for k in range(2))
                middle = f"{letters[0]}." if round_ < len(initials) else f"{letters[0]}. {letters[1]}."
                name = f"{given} {middle} {family}"
            if name not in seen:
                seen.add(name)
                pool.append(name)
        round_ += 1
    return pool


class _Authors:
    def __init__(self, rng: random.Random, n: int):
        self.rng = rng
        self.pool = _name_pool(rng, max(60, 3 * n))
        self.seniors = self.pool[: max(8, len(self.pool) // 50)]

    def paper(self, count: int) -> list[str]:
        names: list[str] = []
        while len(names) < count:
            # The last author (and now and then another) is a popular senior author shared across papers.
            senior = len(names) == count - 1 or self.rng.random() < 0.08
            name = self.rng.choice(self.seniors if senior else self.pool)
            if name not in names:
                names.append(name)
        return names


# ---- one dataset -----------------------------------------------------------------------------------------


def _count_text(count: int, approximate: bool) -> str:
    if not approximate:
        return f"{count:,}"
    if count >= 1_000_000:
        return f"{count / 1_000_000:.2f}".rstrip("0").rstrip(".") + "M"
    return f"{count // 1000}K"


def _draw_count(rng: random.Random, unit: str) -> tuple[int, bool]:
    (low, high), _, _ = _UNITS[unit]
    count = int(round(low * (high / low) ** rng.random()))
    approximate = count >= 10_000 and rng.random() < 0.45
    if approximate:
        count = round(count, -4) if count >= 1_000_000 else round(count, -3)
    return count, approximate


def _units_for(rng: random.Random, tasks: list[str], modality: list[str]) -> list[str]:
    if "instruction-tuning" in tasks:
        return ["instance", "instruction"] if rng.random() < 0.5 else ["instance"]
    if "multi-task-evaluation" in tasks:
        return ["task", "dataset"]
    if "clinical-task-evaluation" in tasks:
        return ["task-type"]
    if "video" in modality:
        return ["frame", "qa-pair"]
    if modality != ["text"] and rng.random() < 0.4:
        return ["qa-pair", "image"] if rng.random() < 0.5 else ["image", "qa-pair"]
    return ["qa-pair"]


class _Generator:
    def __init__(self, n: int, seed: int):
        self.n = n
        self.rng = random.Random(seed)
        self.authors = _Authors(self.rng, n)
        self.ids: set[str] = set()
        self.names: dict[str, int] = {}
        self.paper_ids: set[str] = set()
        self.with_paper: list[dict] = []  # datasets another one may share a paper with

    def name(self, domain: dict) -> tuple[str, str]:
        rng = self.rng
        base = rng.choice(domain["prefixes"]) + rng.choice(_CORES) + rng.choice(_SUFFIXES)
        base = base.replace("--", "-").strip("-")
        name = base
        while _slug(name) in self.ids:
            self.names[base] = self.names.get(base, 1) + 1
            name = f"{base}-{self.names[base]}"
        self.ids.add(_slug(name))
        return name, _slug(name)

    def title(self, domain: dict) -> str:
        rng = self.rng
        subject = rng.choice(domain["subject"])
        form = rng.randrange(5)
        if form == 0:
            return f"A {rng.choice(_ADJECTIVES)} {rng.choice(_KINDS)} for {rng.choice(_GOALS)} in {subject}"
        if form == 1:
            return f"{rng.choice(_ADJECTIVES)} {rng.choice(_KINDS)} of {rng.choice(_GOALS)} for {subject}"
        if form == 2:
            return f"Towards {rng.choice(_GOALS)} in {subject} with {rng.choice(_MODELS)}"
        if form == 3:
            return f"Evaluating {rng.choice(_GOALS)} of {rng.choice(_MODELS)} on {subject}"
        return f"Do {rng.choice(_MODELS)} Reason Like {rng.choice(_EXPERTS)} in {subject}?"

    def date(self) -> tuple[int, int, int]:
        rng = self.rng
        year = _pick(rng, _YEARS)
        month = rng.randint(1, 9 if year == 2025 else 12)
        return year, month, rng.randint(1, 28)

    def unique(self, make) -> str:
        """A paper identifier (arXiv id, DOI, URL) no other paper has: each paper has its own IRI."""
        while True:
            candidate = make()
            if candidate not in self.paper_ids:
                self.paper_ids.add(candidate)
                return candidate

    def dataset(self) -> dict:
        rng = self.rng
        domain = _pick(rng, _DOMAINS)
        name, dataset_id = self.name(domain)
        doc: dict[str, Any] = {"id": dataset_id, "name": name}
        listed: dict[str, Any] = {"name": name}
        doc["listed"] = listed
        title = self.title(domain)
        year, month, day = self.date()

        # modality: concepts and their cells
        parts = _pick(rng, domain["modality"])
        modality = [c for c, _ in parts]
        if modality == ["multimodal"]:
            types = rng.randint(3, 40)
            cells = (f"Multi-modal ({types} types)", f"多模态（{types}种）")
        else:
            en = [("QA" if variant == "qa" else _MODALITY_WORDS[c][0]) for c, variant in parts]
            zh = [("问答" if variant == "qa" else _MODALITY_WORDS[c][1]) for c, variant in parts]
            joiner = rng.choice([" + ", "+"])
            cells = (" + ".join(en), joiner.join(zh))
            if modality == ["image", "text"] and rng.random() < 0.3:
                cells = (cells[0], "图文多模态")

        # task
        text_only = domain.get("text_only", False)
        choices = [(t, w) for t, w in _TASKS if t[3] in ("any", "text" if text_only else "image")]
        tasks, task_en, task_zh, _ = _pick(rng, choices)

        # listed cells; a "-" cell is left out (and then so is the fact derived from it)
        shared = bool(self.with_paper) and rng.random() < 0.07
        if rng.random() > (0.5 if shared else 0.07):
            listed["title"] = title
        form = rng.random()
        venue = None
        if form < 0.02:
            published = None
        elif form < 0.62:
            listed["date"] = f"{year}.{month:02d}.{day:02d}"
            published = f"{year}-{month:02d}-{day:02d}"
        elif form < 0.80:
            listed["date"] = f"{year}.{month:02d}"
            published = f"{year}-{month:02d}"
        else:
            venue = f"{rng.choice(_CONFERENCES)} {year}"
            listed["date"] = venue
            published = str(year)
        has_modality, has_task = rng.random() > 0.02, rng.random() > 0.02
        if has_modality:
            listed["modality"] = self.cell(*cells)
        if has_task:
            listed["task"] = self.cell(task_en, task_zh)
        sizes = []
        if rng.random() > 0.07:
            for unit in _units_for(rng, tasks, modality):
                count, approximate = _draw_count(rng, unit)
                sizes.append((count, unit, approximate))
            en = ", ".join(f"{_count_text(c, a)} {rng.choice(_UNITS[u][1])}" for c, u, a in sizes)
            zh = ", ".join(f"{_count_text(c, a)}{rng.choice(_UNITS[u][2])}" for c, u, a in sizes)
            listed["size"] = self.cell(en, zh)
        access = []
        if rng.random() > 0.03:
            for _ in range(2 if rng.random() < 0.08 else 1):
                label, _, pattern = _pick(rng, [((lbl, w, p), w) for lbl, w, p in _PLATFORMS])
                url = pattern.format(
                    org=rng.choice(_ORGS),
                    name=name,
                    slug=dataset_id,
                    num=rng.randint(1_000_000, 15_000_000),
                    key="".join(rng.choice("abcdefghjkmnpqrstuvwxyz0123456789") for _ in range(5)),
                )
                if all(a["url"] != url for a in access):
                    access.append({"label": label, "url": url})
            listed["links"] = ", ".join(f"[{a['label']}]({a['url']})" for a in access)
        if rng.random() < 0.01:
            listed["source"] = f"https://github.com/{rng.choice(_ORGS)}/Awesome-Medical-VLM/blob/main/README.md"

        # structured facts derived from the cells
        if published:
            doc["published"] = published
        if venue:
            doc["venue"] = venue
        if has_modality:
            doc["modality"] = modality
            if modality == ["multimodal"]:
                doc["modality_count"] = types
        if has_task:
            doc["task"] = list(tasks)
        if sizes:
            doc["size"] = [{"count": c, "unit": u, **({"approximate": True} if a else {})} for c, u, a in sizes]
        if access:
            doc["access"] = access

        # verified facts, each with its sources
        notes: list[str] = []
        sources: list[str] = []
        if shared:
            other = rng.choice(self.with_paper[-50:])
            sources = other["paper"]["sources"][:1]
        elif rng.random() < 0.93:
            paper, notes = self.paper(doc, name, title, (year, month, day), venue)
            sources = paper["sources"]
        if sources and rng.random() < 0.3:
            doc["homepage"] = {
                "url": rng.choice(
                    [
                        f"https://{dataset_id}-benchmark.github.io/",
                        f"https://{_slug(rng.choice(_ORGS))}.github.io/{name}/",
                    ]
                ),
                "sources": sources,
            }
        if sources and rng.random() < 0.05:
            doc["alternate_name"] = {
                "names": [name.upper() if name.upper() != name else name + "-DB"],
                "sources": sources,
            }
        if sources and not shared:
            doc["paper"] = paper
            self.with_paper.append(doc)
        if shared:
            doc["same_paper_as"] = {"id": other["id"], "sources": sources}
            said = "" if "title" in listed else "The seed gives '-' as its paper title; "
            notes.append(f"{said}{name} is introduced in the {other['name']} paper.")
        if sources and rng.random() < 0.75:
            stated: dict[str, Any] = {}
            if sizes:
                c, u, _ = sizes[0]
                stated["size"] = f"about {c:,} {_UNITS[u][1][0]}; {rng.randint(2, 40)} source datasets"
            else:
                stated["size"] = f"nearly {rng.randint(2, 90)}k image-text pairs"
                notes.append("The seed gives '-' for size; the paper states the figures above.")
            if rng.random() < 0.2:
                stated["modality"] = ", ".join(rng.sample(["CT", "MRI", "ultrasound", "radiography", "pathology"], 3))
            stated["sources"] = sources
            doc["stated"] = stated
        if sources and rng.random() < 0.2:
            label = rng.choice(["code", "leaderboard", "project page"])
            url = (
                f"https://github.com/{rng.choice(_ORGS)}/{name}"
                if label == "code"
                else f"https://{_slug(rng.choice(_ORGS))}.github.io/{name}/"
            )
            doc["see_also"] = [{"url": url, "label": label, "sources": sources}]
        if sources and "title" in listed and rng.random() < 0.2:
            notes.append("The seed abbreviates the title.")
        if sources and rng.random() < 0.1:
            notes.append(f"Built from MedPix (https://medpix.nlm.nih.gov/) and {rng.randint(2, 30)} public datasets.")
        if notes:
            doc["notes"] = [{"text": text, "sources": sources} for text in notes]
        if access and rng.random() < 0.7:
            doc["license"] = self.license(access)
        return doc

    def license(self, access: list[dict]) -> dict:
        """What the dataset's pages state about its license, as curators record it (10 of the 14 do)."""
        rng = self.rng
        covers = _pick(rng, [("data", 6), ("unclear", 2), ("both", 1), ("code", 1)])
        spdx = None
        if covers == "code":
            spdx = rng.choice(["MIT", "Apache-2.0"])
        elif covers != "unclear" and rng.random() < 0.8:
            spdx = _pick(rng, _LICENSES)
        url = access[0]["url"].rstrip("/")
        page = url
        if "huggingface.co" in url:
            page = f"{url}/blob/main/README.md"
        elif "github.com" in url:
            page = f"{url}/blob/main/LICENSE"
        if spdx is None:
            stated = 'unknown for the dataset: its card\'s YAML has only "language: en" and "tags: medical".'
        elif "huggingface.co" in url:
            stated = f'Hugging Face card YAML: "license: {spdx.lower()}".'
        else:
            stated = f'LICENSE file: "{spdx} License / Copyright (c) {rng.randint(2018, 2025)} {rng.choice(_ORGS)}".'
        out: dict[str, Any] = {}
        if spdx:
            out["id"] = spdx
        out["covers"] = covers
        out["stated"] = stated
        if rng.random() < 0.25:
            other = rng.choice([lic for lic, _ in _LICENSES if lic != spdx])
            out["conflicts"] = [f"The code repository says {other}; the data card says {spdx or 'nothing'}."]
        out["sources"] = [page] + ([url] if page != url and rng.random() < 0.5 else [])
        return out

    def cell(self, en: str, zh: str) -> dict[str, str]:
        return {"en": en} if self.rng.random() < 0.03 else {"en": en, "zh": zh}

    def paper(self, doc: dict, name: str, title: str, when: tuple[int, int, int], venue: str | None):
        rng = self.rng
        year, month, day = when
        notes: list[str] = []
        full_title = f"{name}: {title}" if rng.random() < 0.75 else title
        if rng.random() < 0.15 and "title" in doc["listed"]:
            full_title = f"{name}: {rng.choice(_ADJECTIVES)} {title}"
            notes.append(f"The seed's title '{title}' is a shortened form of the title above.")
        paper: dict[str, Any] = {"title": full_title}
        kind = rng.random()
        arxiv = None
        publisher = rng.choice([1007, 1038, 1109, 1016])
        if kind < 0.88:
            arxiv = self.unique(lambda: f"{year % 100:02d}{month:02d}.{rng.randint(1, 29999):05d}")
            paper["arxiv"] = arxiv
            if rng.random() < 0.15:
                paper["doi"] = self.unique(lambda: f"10.{publisher}/s{rng.randint(10000, 99999)}-{year}-x")
        elif kind < 0.95:
            paper["url"] = self.unique(lambda: f"https://www.nature.com/articles/sdata{year}{rng.randint(100, 9999)}")
        else:
            paper["doi"] = self.unique(lambda: f"10.{publisher}/j.media.{year}.{rng.randint(100000, 999999)}")
        journal = None
        if venue:
            paper["venue"] = (
                venue if rng.random() < 0.7 else f"{venue}, pp. {rng.randint(1000, 20000)}-{rng.randint(20001, 30000)}"
            )
        elif rng.random() < 0.12 or "url" in paper:
            journal = f"{rng.choice(_JOURNALS)} ({year})"
            paper["venue"] = journal
        if rng.random() < 0.7:
            if rng.random() < 0.6 or "date" not in doc["listed"]:
                paper_date = f"{year}-{month:02d}-{day:02d}"
            else:
                earlier = datetime.date(year, month, day) - datetime.timedelta(days=rng.choice([2, 4, 30, 90, 400]))
                paper_date = earlier.isoformat()
                notes.append(f"The seed dates it {doc['listed']['date']}; the arXiv v1 is {paper_date}.")
            paper["date"] = paper_date
        if rng.random() < 0.95:
            count = _pick(rng, [(3, 1), (4, 2), (5, 3), (6, 3), (7, 4), (8, 3), (9, 3), (10, 2), (12, 1), (13, 1)])
            authors = self.authors.paper(count)
            if rng.random() < 0.2:
                paper["authors"] = authors[:5]
                paper["authors_complete"] = False
                if rng.random() < 0.6:
                    paper["more_authors"] = authors[-1:]
            else:
                paper["authors"] = authors
        primary = f"https://arxiv.org/abs/{arxiv}" if arxiv else paper.get("url") or f"https://doi.org/{paper['doi']}"
        sources = [primary]
        if rng.random() < 0.75:
            extra = rng.choice(_SOURCE_SITES) if arxiv else "https://www.semanticscholar.org/search?q={slug}"
            if arxiv and rng.random() < 0.5:
                extra = f"https://arxiv.org/html/{arxiv}v{rng.randint(1, 3)}"
            sources.append(extra.format(arxiv=arxiv, slug=_slug(full_title)[:60]))
        paper["sources"] = sources
        if rng.random() < 0.05:
            notes.append(f"The paper's model is named {name.split('-')[0]}Model.")
        return paper, notes


# ---- a YAML emitter in the style of the real files --------------------------------------------------------

_PLAIN = re.compile(r"^[A-Za-z\u4e00-\u9fff][A-Za-z0-9\u4e00-\u9fff .()（）+/'-]*$")
_RESERVED = {"y", "n", "yes", "no", "true", "false", "on", "off", "null", "~"}
_FLOW_LIMIT = 110


def _scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    text = str(value)
    if _PLAIN.match(text) and text.lower() not in _RESERVED and not text.endswith(" ") and " #" not in text:
        return text
    return json.dumps(text, ensure_ascii=False)


def _flow(value: Any) -> str:
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_flow(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_flow(v) for v in value) + "]"
    return _scalar(value)


def _is_flat(value: Any) -> bool:
    return all(not isinstance(v, (dict, list)) for v in value.values()) if isinstance(value, dict) else False


def _emit(mapping: dict, indent: str, out: list[str]) -> None:
    for key, value in mapping.items():
        if isinstance(value, dict) and not (set(value) <= {"en", "zh"}):
            out.append(f"{indent}{key}:")
            _emit(value, indent + "  ", out)
        elif isinstance(value, list) and value and isinstance(value[0], dict):
            out.append(f"{indent}{key}:")
            for item in value:
                flow = _flow(item)
                if _is_flat(item) and len(flow) <= _FLOW_LIMIT:
                    out.append(f"{indent}  - {flow}")
                else:
                    lines: list[str] = []
                    _emit(item, indent + "    ", lines)
                    out.append(f"{indent}  - {lines[0].lstrip()}")
                    out.extend(lines[1:])
        else:
            out.append(f"{indent}{key}: {_flow(value)}")


def to_yaml(doc: dict, comment: str) -> str:
    out = [comment]
    _emit(doc, "", out)
    return "\n".join(out) + "\n"


def _catalog_yaml() -> str:
    doc = {
        "base_iri": BASE_IRI,
        "title": {
            "en": "Synthetic Med-VLM-Bench: a generated catalog for benchmarking medvlm-kg",
            "zh": "合成 Med-VLM-Bench 目录（性能测试用）",
        },
        "description": {
            "en": "A catalog generated by bench/generate.py in the shape of the Med-VLM-Bench list; "
            "every entry is synthetic and none describes a real dataset.",
            "zh": "由 bench/generate.py 按 Med-VLM-Bench 列表的形态生成的目录；"
            "所有条目均为合成数据，不描述真实数据集。",
        },
        "curators": [
            {"id": "zanting-ye", "name": "Zanting Ye", "affiliation": "Southern Medical University"},
            {"id": "xu-han", "name": "Xu Han", "affiliation": "Shanghai Jiao Tong University"},
            {"id": "xiaolong-niu", "name": "Xiaolong Niu", "affiliation": "Southern Medical University"},
            {"id": "lijun-lu", "name": "Lijun Lu", "affiliation": "Southern Medical University"},
        ],
        "publisher": "zanting-ye",
        "data_theme": ["HEAL"],
        "source": {
            "repository": "https://github.com/yezanting/Med-VLM-Bench-Summary",
            "readme": README,
            "license": "MIT",
            "license_source": "https://github.com/yezanting/Med-VLM-Bench-Summary/blob/main/LICENSE",
        },
    }
    return to_yaml(doc, MARKER + "; format: docs/data-format.md")


def documents(n: int, seed: int = 0) -> list[dict]:
    """The ``n`` dataset documents (plain dicts, as YAML would load them) for ``seed``, in generation order."""
    gen = _Generator(n, seed)
    return [gen.dataset() for _ in range(n)]


def generate(n: int, out_dir: Path | str, seed: int = 0) -> Path:
    """Write a catalog of ``n`` synthetic datasets to ``out_dir`` (``catalog.yaml`` + ``datasets/<id>.yaml``).

    ``out_dir`` must be new, empty, or a catalog this function wrote before (it is then replaced).
    """
    out_dir = Path(out_dir)
    catalog_file = out_dir / "catalog.yaml"
    if out_dir.exists() and any(out_dir.iterdir()):
        head = catalog_file.read_text(encoding="utf-8")[: len(MARKER)] if catalog_file.is_file() else ""
        if head != MARKER:
            raise SystemExit(f"{out_dir} is not empty and not a synthetic catalog; choose a new folder")
        shutil.rmtree(out_dir)
    (out_dir / "datasets").mkdir(parents=True)
    catalog_file.write_text(_catalog_yaml(), encoding="utf-8")
    for doc in documents(n, seed):
        comment = f"# {doc['name']} — synthetic entry (bench/generate.py); format: docs/data-format.md"
        (out_dir / "datasets" / f"{doc['id']}.yaml").write_text(to_yaml(doc, comment), encoding="utf-8")
    return out_dir


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("n", type=int, help="number of datasets")
    parser.add_argument("out_dir", type=Path, help="the catalog folder to write (new, or written by this script)")
    parser.add_argument(
        "--seed", type=int, default=0, help="random seed (default 0); the same seed gives the same files"
    )
    args = parser.parse_args(argv)
    if args.n < 1:
        parser.error("N must be at least 1")
    generate(args.n, args.out_dir, args.seed)
    print(f"{args.out_dir}: {args.n} datasets (seed {args.seed})", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
