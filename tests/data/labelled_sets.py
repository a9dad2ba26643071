# Shared by the held-out set generators (labelled_entries_heldout*.py): the
# bundled USDA energy by exact food name, and the entry builders. A meal's
# calorie range is the sum of the foods meant ±30 %, at least ±40 kcal.
import gzip, json, os

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
KCAL = {}
for src in ("sr24", "fndds"):
    with gzip.open(os.path.join(ROOT, "data", "foods", f"usda_{src}.jsonl.gz"), "rt") as f:
        for line in f:
            food = json.loads(line)
            KCAL.setdefault(food["name"], food["nutrients"].get("calories"))

E = []
def meal(text, hour, foods, category=None, cls="meal"):
    # foods: (typed name, [(usda name, grams, portion meant), ...])
    ref = 0.0
    meant = []
    for typed, parts in foods:
        for usda, grams, note in parts:
            k = KCAL.get(usda)
            if k is None:
                raise SystemExit(f"not in the bundled foods: {usda!r}")
            ref += grams * k / 100
            meant.append(f"{typed}: {usda}, {note}, {grams:g} g × {k:g} kcal/100 g = {round(grams * k / 100)} kcal")
    lo = max(0, min(ref * 0.7, ref - 40)); hi = max(ref * 1.3, ref + 40)
    e = {"text": text, "hour": hour, "class": cls, "foods": [t for t, _ in foods]}
    if category: e["category"] = category
    e["kcal"] = [round(lo), round(hi)]
    e["meant"] = meant
    E.append(e)
def f(typed, usda, grams, note):
    return (typed, [(usda, grams, note)])
def other(text, hour, cls, **kw):
    E.append({"text": text, "hour": hour, "class": cls, **kw})

def write(path):
    with open(path, "w") as out:
        out.write("[\n" + ",\n".join(" " + json.dumps(e, ensure_ascii=False) for e in E) + "\n]\n")
    print(len(E), "entries,", sum(1 for e in E if e["class"] == "meal"), "meals,",
          sum(len(e.get("foods", [])) for e in E), "food phrases")
