#!/usr/bin/env python3
"""The prompts the suite's documents show, and what each must do to a draft.

  prompts.py list ROOT              one JSON case a line: every nemo-send prompt in README.md,
                                    man/*.1, man/*.7 and examples/ (the man pages are globbed, so
                                    a renamed page is still read), with how it is sent
  prompts.py check CASE BEFORE AFTER
                                    the draft AFTER (a file; BEFORE: the draft the prompt was sent
                                    to) against what the prompt says: uploads placed, durations,
                                    titles, music and volumes, canvas, time of day. Prints one line
                                    per problem; exits 1 when there is one
  prompts.py make-document PATH     a small .docx, .pdf, .md or .txt to send with -f
  prompts.py props DRAFT            the properties the sandbox reports changes of, as JSON
  prompts.py claims BEFORE AFTER RESULT
                                    an edit's tool result (its "diff" and "changes") against the
                                    drafts: every claimed change is in the drafts, every change
                                    in the drafts is claimed

A case: {"source": "man/nemo-send.1:389", "prompt": "...", "mode": "generate"|"edit",
"again": bool, "uploads": ["a.png", ...], "documents": ["blog.docx", ...], "as_document": bool}.
"""

import glob
import json
import math
import os
import re
import shlex
import sys

IMAGE_EXT = ("png", "jpg", "jpeg", "gif", "webp")
VIDEO_EXT = ("mp4", "mov", "avi", "webm", "mkv")
FILE_RE = re.compile(r"\b([A-Za-z0-9_][A-Za-z0-9_+-]*(?:\.[A-Za-z0-9_+-]+)*\.(?:%s))\b"
                     % "|".join(IMAGE_EXT + VIDEO_EXT), re.I)
MOODS = [(r"\blo-?\s?fi\b", "Lo-fi"), (r"\bupbeat\b", "Upbeat"), (r"\bcalm\b", "Calm"),
         (r"\bchill\b", "Chill"), (r"\bepic\b", "Epic"), (r"\bhappy\b", "Happy"),
         (r"\bsad\b", "Sad"), (r"\bdramatic\b", "Dramatic"), (r"\bjazz(y)?\b", "Jazz"),
         (r"\bambient\b", "Ambient"), (r"\benergetic\b", "Energetic"),
         (r"\brelax(ing|ed)?\b", "Relaxing"), (r"\bcinematic\b", "Cinematic")]
# nemo-send's options that take a value (the rest are flags).
VALUE_OPTIONS = {"--session", "-f", "--file", "--timeout", "--idle-timeout", "--recover-timeout",
                 "--cost", "--api", "--error-format", "-O", "--context-out"}


# ---------------------------------------------------------------------------------------------
# Finding the prompts


def roff_to_text(line):
    """A man page line as the reader sees it (and as a shell would get it)."""
    line = re.sub(r"\\f[BIRP]", "", line)
    for a, b in (("\\-", "-"), ("\\(aq", "'"), ("\\(dq", '"'), ("\\&", ""), ("\\e", "\\"),
                 ("\\ ", " ")):
        line = line.replace(a, b)
    return line


def logical_lines(path):
    """(line number, text) with backslash-continued lines joined, roff unescaped in man pages."""
    with open(path, encoding="utf-8", errors="replace") as f:
        raw = f.read().split("\n")
    man = re.search(r"\.[1-9]$", path) is not None
    out, buf, start = [], "", 0
    for i, line in enumerate(raw, 1):
        if man:
            line = roff_to_text(line)
        if not buf:
            start = i
        if line.endswith("\\") and not line.endswith("\\\\"):
            buf += line[:-1] + " "
            continue
        out.append((start, buf + line))
        buf = ""
    if buf:
        out.append((start, buf))
    return out


def split_pipeline(line):
    """The commands of a shell line, as token lists; None when it does not parse."""
    try:
        lexer = shlex.shlex(line, posix=True, punctuation_chars="|&;<>")
        lexer.whitespace_split = True
        lexer.commenters = "#"
        tokens = list(lexer)
    except ValueError:
        return None
    commands, cmd, redirect = [], [], False
    for tok in tokens:
        if redirect:  # the file of < or >
            cmd.append(("redirect", tok))
            redirect = False
        elif tok in ("|", "||", "&&", ";", "&"):
            if cmd:
                commands.append(cmd)
            cmd = []
        elif tok in ("<", ">", ">>", "2>", "<<<"):
            redirect = True
            if tok == "<":
                cmd.append(("stdin", None))
        else:
            cmd.append(tok)
    if cmd:
        commands.append(cmd)
    return commands


def words(cmd):
    return [t for t in cmd if isinstance(t, str)]


def sender(cmd):
    """The arguments after nemo-send (or `nemo send`, or scripts/demo) in a command, or None."""
    w = words(cmd)
    for i, t in enumerate(w):
        base = os.path.basename(t)
        if base == "nemo-send":
            return w[i + 1:], "send"
        if base == "nemo" and i + 1 < len(w) and w[i + 1] == "send":
            return w[i + 2:], "send"
        if t.endswith("scripts/demo"):
            return w[i + 1:], "demo"
    return None


def uploads_of(commands):
    files = []
    for cmd in commands:
        w = words(cmd)
        for i, t in enumerate(w):
            if os.path.basename(t) in ("nemo-upload",) or (t == "nemo" and w[i + 1:i + 2] == ["upload"]):
                for a in w[i + 1:]:
                    if not a.startswith("-") and a != "upload":
                        files.append(a)
    return files


def cases_in(root, rel):
    path = os.path.join(root, rel)
    out = []
    if rel.startswith("examples/prompts/") and rel.endswith(".txt"):
        with open(path, encoding="utf-8") as f:
            text = f.read().strip()
        # examples/Makefile sends each file alone (nemo-send -f): the file is the message.
        return [{"source": rel + ":1", "prompt": text, "mode": "generate", "again": False,
                 "uploads": [], "documents": [], "as_document": True}]
    for number, line in logical_lines(path):
        if not re.search(r"nemo-send|nemo send|scripts/demo", line):
            continue
        if "`" in line and not line.lstrip().startswith(("nemo", "scripts", "|", "git")):
            continue  # prose that names a command in backticks
        commands = split_pipeline(line)
        if not commands:
            continue
        for k, cmd in enumerate(commands):
            found = sender(cmd)
            if not found:
                continue
            args, kind = found
            message, documents, again, skip = [], [], False, False
            i = 0
            while i < len(args):
                a = args[i]
                if a in VALUE_OPTIONS:
                    if a in ("-f", "--file") and i + 1 < len(args):
                        documents.append(args[i + 1])
                    i += 2
                    continue
                if a == "--message-stdin":
                    skip = True
                if a == "--again":
                    again = True
                if a.startswith("-") and len(a) > 1:
                    i += 1
                    continue
                message.append(a)
                i += 1
            prompt = " ".join(message).strip()
            # Placeholders are not prompts: "…", "$prompt", "...".
            if skip or not prompt or "$" in prompt or re.fullmatch(r"[.…\s]*", prompt):
                continue
            # A prompt is quoted where it is shown; an unquoted word after a program's name is
            # prose ("nemo-send (1)", "nemo-send reads the ...").
            head = re.split(r'["\\]', prompt)[0][:12]
            if not head or ('"' + head) not in line and ("'" + head) not in line:
                continue
            earlier = commands[:k]
            fresh = kind == "demo" or any(
                "nemo-session" in words(c) or words(c)[:2] == ["nemo", "session"] for c in earlier)
            reads_context = any(t == ("stdin", None) for t in cmd if isinstance(t, tuple))
            mode = "generate" if fresh and not reads_context else "edit"
            out.append({"source": "%s:%d" % (rel, number), "prompt": prompt, "mode": mode,
                        "again": again, "uploads": uploads_of(earlier), "documents": documents,
                        "as_document": False})
    return out


def document_files(root):
    rels = ["README.md"]
    # Globbed, not named: the man pages may be renamed (nemo.1 -> nemo-video.1) at any time.
    rels += sorted(os.path.relpath(p, root) for p in glob.glob(os.path.join(root, "man", "*.1")))
    rels += sorted(os.path.relpath(p, root) for p in glob.glob(os.path.join(root, "man", "*.7")))
    for dirpath, _, files in os.walk(os.path.join(root, "examples")):
        for name in sorted(files):
            rels.append(os.path.relpath(os.path.join(dirpath, name), root))
    return [r for r in rels if os.path.isfile(os.path.join(root, r))]


def list_cases(root):
    seen = set()
    cases = []
    for rel in document_files(root):
        for case in cases_in(root, rel):
            key = (case["prompt"], case["mode"], case["again"], tuple(case["uploads"]),
                   tuple(case["documents"]))
            if key in seen:
                continue
            seen.add(key)
            cases.append(case)
    return cases


# ---------------------------------------------------------------------------------------------
# What a draft shows


def track(draft, tt, captions=False):
    for t in (draft or {}).get("t") or []:
        if not isinstance(t, dict) or t.get("tt") != tt or not t.get("sg"):
            continue
        if ((t.get("m") or {}).get("name") == "Captions") == captions:
            return t
    return None


def duration_ms(draft):
    end = 0
    for t in (draft or {}).get("t") or []:
        for s in t.get("sg") or []:
            end = max(end, s.get("st", 0) + s.get("d", 0))
    return end


def props(draft):
    """The same properties, under the same names, as the sandbox's DiffDrafts."""
    draft = draft or {}
    m = draft.get("m") or {}
    title = track(draft, 7)
    captions = track(draft, 7, True)
    music = track(draft, 1)
    video = track(draft, 0)
    return {
        "canvas": "%dx%d" % (m.get("width", 1920), m.get("height", 1080)),
        "duration_ms": duration_ms(draft),
        "title": ((title["sg"][0].get("m") or {}).get("title", "")) if title else "",
        "captions": [(s.get("m") or {}).get("text", "") for s in captions["sg"]] if captions else [],
        "music": (music.get("m") or {}).get("name", "music") if music else "",
        "music.volume": (music["sg"][0].get("m") or {}).get("volume", 0.35) if music else None,
        "video": [(s.get("m") or {}).get("desc", "") for s in video["sg"]] if video else [],
        "speed": m.get("speed", 1.0),
        "brightness": m.get("brightness", 1.0),
        "time_of_day": m.get("time_of_day", ""),
        "mood": m.get("mood", ""),
    }


def same(a, b):
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return math.isclose(a, b, abs_tol=1e-9)
    return a == b


# ---------------------------------------------------------------------------------------------
# What a prompt asks for (an independent reading: not the sandbox's grammar)


def quoted(text):
    m = re.search(r'"([^"\n]+)"|“([^”]+)”|(?:^|[^A-Za-z0-9\'])\'([^\'\n]+)\'(?![A-Za-z0-9])', text)
    if not m:
        return None
    return next(g for g in m.groups() if g is not None)


def expectations(case):
    text = case["prompt"]
    lower = text.lower()
    e = {}
    m = re.search(r"(\d+(?:\.\d+)?)\s*-?\s*(minutes?|mins?)\b", lower)
    if m:
        e["duration_ms"] = round(float(m.group(1)) * 60000)
    else:
        m = re.search(r"(\d+(?:\.\d+)?)\s*-?\s*(seconds?|secs?|s)\b", lower)
        if m:
            e["duration_ms"] = round(float(m.group(1)) * 1000)
    q = quoted(text)
    if q:
        e["title"] = q
    elif case["documents"] and not case["as_document"]:
        e["title_from_document"] = True
    for pattern, name in MOODS:
        if re.search(pattern, lower) and re.search(r"\b(music|bgm|soundtrack|song)\b", lower):
            e["music"] = name
            break
    m = re.search(r"(\d{1,3})\s*%", lower)
    if m and "music" in lower:
        e["volume"] = int(m.group(1)) / 100
    steps = 2 if case["again"] else 1
    if re.search(r"\bquieter\b", lower):
        e["volume_step"] = (0.5, steps)
    if re.search(r"\blouder\b", lower):
        e["volume_step"] = (1.5, steps)
    if re.search(r"\b(vertical|portrait|9:16)\b", lower):
        e["canvas"] = "1080x1920"
    elif re.search(r"\b(square|1:1)\b", lower):
        e["canvas"] = "1080x1080"
    if re.search(r"\bnight\b", lower):
        e["time_of_day"] = "night"
    elif re.search(r"\b(sunset|dusk|evening)\b", lower):
        e["time_of_day"] = "dusk"
    elif re.search(r"\b(morning|dawn|sunrise)\b", lower):
        e["time_of_day"] = "dawn"
    uploads = case["uploads"]
    if uploads:
        named = [f for f in FILE_RE.findall(text)]
        refers = re.search(r"\b(these|those|them)\b|\b(my|the|our|uploaded)\s+(\w+\s+)?"
                           r"(photos?|images?|pictures?|clips?|videos|footage|uploads?)\b", lower)
        if named:
            e["video"] = [n for n in named if n in uploads]
        elif refers:
            images = [u for u in uploads if u.lower().endswith(IMAGE_EXT)]
            videos = [u for u in uploads if u.lower().endswith(VIDEO_EXT)]
            says_images = re.search(r"\b(photos?|images?|pictures?)\b", lower)
            says_videos = re.search(r"\b(clips?|videos|footage)\b", lower)
            if says_images and not says_videos and images:
                e["video"] = images
            elif says_videos and not says_images and videos:
                e["video"] = videos
            else:
                e["video"] = images + videos if not (says_images or says_videos) else [
                    u for u in uploads if u.lower().endswith(IMAGE_EXT + VIDEO_EXT)]
    return e


def check(case, before, after):
    problems = []
    e = expectations(case)
    a, b = props(before), props(after)
    if case["mode"] == "generate" and not after.get("t"):
        problems.append("the generation left the draft empty")
    if "duration_ms" in e and b["duration_ms"] != e["duration_ms"]:
        problems.append("duration %d ms, the prompt says %d" % (b["duration_ms"], e["duration_ms"]))
    if "title" in e and b["title"] != e["title"]:
        problems.append("title %r, the prompt says %r" % (b["title"], e["title"]))
    if e.get("title_from_document") and not b["title"]:
        problems.append("no title from the document")
    if case["mode"] == "generate" and "title" not in e and not e.get("title_from_document"):
        # A title made of the words of the prompt, never of a quote's neighbour or a file name.
        t = b["title"].lower()
        for bad in ("titled", "called", "named", "png", "jpg", "mp4"):
            if re.search(r"\b%s\b" % bad, t):
                problems.append("title %r holds %r" % (b["title"], bad))
    if "music" in e and b["music"] != e["music"]:
        problems.append("music %r, the prompt says %r" % (b["music"], e["music"]))
    if "volume" in e and not same(b["music.volume"], e["volume"]):
        problems.append("music volume %r, the prompt says %r" % (b["music.volume"], e["volume"]))
    if "volume_step" in e:
        factor, times = e["volume_step"]
        want = a["music.volume"]
        if want is None:
            problems.append("no music to change the volume of")
        else:
            for _ in range(times):
                want = min(max(math.floor(want * factor * 100 + 0.5 + 1e-9) / 100, 0.05), 1.0)
            if not same(b["music.volume"], want):
                problems.append("music volume %r after %r x%s (%d times), expected %r"
                                % (b["music.volume"], a["music.volume"], factor, times, want))
    if "canvas" in e and b["canvas"] != e["canvas"]:
        problems.append("canvas %s, the prompt says %s" % (b["canvas"], e["canvas"]))
    if "time_of_day" in e and b["time_of_day"] != e["time_of_day"]:
        problems.append("time of day %r, the prompt says %r" % (b["time_of_day"], e["time_of_day"]))
    if "video" in e and b["video"] != e["video"]:
        problems.append("video segments %r, the prompt refers to the uploads %r"
                        % (b["video"], e["video"]))
    if case["uploads"] and "video" not in e:
        # Uploads the prompt does not refer to stay out of the video (said in nemo-sandbox(1)).
        placed = [d for d in b["video"] if d in case["uploads"]]
        if placed and case["mode"] == "generate":
            problems.append("uploads %r placed, the prompt does not refer to them" % placed)
    return problems


def claims(before, after, result):
    """An edit's tool result against the drafts."""
    problems = []
    a, b = props(before), props(after)
    diff = result.get("diff")
    if not isinstance(diff, list):
        return ["the tool result has no diff: %r" % result]
    claimed = set()
    for item in diff:
        what = item.get("what")
        claimed.add(what)
        if what not in a:
            problems.append("claims a change of an unknown property %r" % what)
            continue
        if not same(item.get("from"), a[what]) or not same(item.get("to"), b[what]):
            problems.append("claims %s %r -> %r; the drafts show %r -> %r"
                            % (what, item.get("from"), item.get("to"), a[what], b[what]))
    for what in a:
        changed = not same(a[what], b[what])
        if changed and what not in claimed:
            # Music that comes or goes is claimed as "music" alone.
            if what == "music.volume" and (a[what] is None or b[what] is None) and "music" in claimed:
                continue
            problems.append("%s changed (%r -> %r) but the result does not say so"
                            % (what, a[what], b[what]))
    if [i.get("text") for i in diff] != result.get("changes"):
        problems.append("changes %r are not the diff's texts" % result.get("changes"))
    return problems


DOCUMENT_LINES = ["Spring at the Bakery", "We turn ten this week.", "Fresh bread every morning."]


def make_document(path):
    """A small document of the kind its name says, for the prompts that send one (-f)."""
    ext = path.rsplit(".", 1)[-1].lower()
    if ext == "docx":
        import zipfile
        paras = "".join("<w:p><w:r><w:t>%s</w:t></w:r></w:p>" % l for l in DOCUMENT_LINES)
        with zipfile.ZipFile(path, "w") as z:
            z.writestr("[Content_Types].xml",
                       '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxml'
                       'formats.org/package/2006/content-types"><Default Extension="xml" '
                       'ContentType="application/xml"/><Override PartName="/word/document.xml" '
                       'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml'
                       '.document.main+xml"/></Types>')
            z.writestr("word/document.xml",
                       '<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.'
                       'openxmlformats.org/wordprocessingml/2006/main"><w:body>%s</w:body>'
                       '</w:document>' % paras)
    elif ext == "pdf":
        text = "BT /F1 14 Tf 72 720 Td 18 TL " + " ".join(
            "(%s) '" % l for l in DOCUMENT_LINES) + " ET"
        objs = ["<< /Type /Catalog /Pages 2 0 R >>",
                "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
                "/Resources << /Font << /F1 5 0 R >> >> >>",
                "<< /Length %d >>\nstream\n%s\nendstream" % (len(text), text),
                "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
        out, offsets = "%PDF-1.4\n", []
        for i, o in enumerate(objs, 1):
            offsets.append(len(out))
            out += "%d 0 obj\n%s\nendobj\n" % (i, o)
        xref = len(out)
        out += "xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
        out += "".join("%010d 00000 n \n" % o for o in offsets)
        out += "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)
        with open(path, "w", encoding="latin-1") as f:
            f.write(out)
    else:
        with open(path, "w", encoding="utf-8") as f:
            f.write("# " + DOCUMENT_LINES[0] + "\n\n" + "\n\n".join(DOCUMENT_LINES[1:]) + "\n")


def main(argv):
    if len(argv) == 3 and argv[1] == "make-document":
        make_document(argv[2])
        return 0
    if len(argv) == 3 and argv[1] == "list":
        for case in list_cases(argv[2]):
            print(json.dumps(case, ensure_ascii=False))
        return 0
    if len(argv) == 5 and argv[1] == "check":
        case = json.loads(argv[2])
        before = json.load(open(argv[3]))
        after = json.load(open(argv[4]))
        problems = check(case, before, after)
    elif len(argv) == 3 and argv[1] == "props":
        print(json.dumps(props(json.load(open(argv[2])))))
        return 0
    elif len(argv) == 5 and argv[1] == "claims":
        problems = claims(json.load(open(argv[2])), json.load(open(argv[3])),
                          json.load(open(argv[4])))
    else:
        sys.stderr.write(__doc__)
        return 2
    for p in problems:
        print(p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
