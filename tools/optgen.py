#!/usr/bin/env python3
"""tools/optgen.py - every option of a program, from its one definition.

A definition file (docs/options/PROGRAM.opts) lists a program's verbs and
options; this script turns it into what the program and its readers use:

  optgen.py c DEFS OUT.c OUT.h          the C tables (common/cmdline.h) that
                                        the program parses with and prints
                                        --help from
  optgen.py man DEFS PAGE.in OUT        the man page: PAGE.in is roff with the
                                        hand-written sections and the marks
                                        @VERBS@, @OPTIONS@, @VERSION@
  optgen.py readme DEFS                 the README's table of options
  optgen.py check-readme README DEFS... README's tables equal the generated
                                        text (exit 1 naming the first that
                                        differs); --update rewrites them

The definition file's format (docs/options/README.md says it for humans):
'#' starts a comment line; blank lines are ignored. A line "Key: value"
is a field; a line that starts with white space continues the field above
(a continuation line holding only "." starts a new paragraph). Fields
before the first record describe the program (Program, Section, Usage,
Summary, Footer, C-include); then each record starts with "Verb: NAME
[ARGS]" or "Option: [-X, ]--NAME [ARG]" and takes the fields Help (one
line for --help), Text (the man page's and README's longer words; Help if
absent), Default, Verbs ("all", or verb names: which verbs take it).
Nothing here reads the network or anything but the files named.
"""
import re
import sys
import textwrap

PROGRAM_KEYS = {"Program", "Section", "Usage", "Summary", "Footer", "C-include",
                "Manual"}
RECORD_KEYS = {"Help", "Text", "Default", "Verbs"}
FIELD = re.compile(r"^([A-Z][A-Za-z-]*):\s*(.*)$")
OPTION = re.compile(r"^(?:-([A-Za-z0-9]), )?--([a-z][a-z0-9-]*)(?: ([A-Z][A-Z0-9|_.-]*))?$")
VERB = re.compile(r"^([a-z][a-z0-9-]*)(?: (.*))?$")


class DefError(Exception):
    pass


def parse(path):
    """The definition file at path: (program fields, verbs, options)."""
    prog, verbs, opts = {}, [], []
    cur, key = prog, None
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    for n, line in enumerate(lines, 1):
        where = f"{path}:{n}"
        if line.startswith("#") or not line.strip():
            continue
        if line[0] in " \t":
            if key is None:
                raise DefError(f"{where}: a continuation line with no field above")
            word = line.strip()
            cur[key] += "\n\n" if word == "." else (" " if cur[key] else "") + word
            continue
        m = FIELD.match(line)
        if not m:
            raise DefError(f"{where}: expected 'Key: value'")
        key, value = m.group(1), m.group(2).strip()
        if key == "Verb":
            v = VERB.match(value)
            if not v:
                raise DefError(f"{where}: a verb is 'Verb: name [ARGS]'")
            cur = {"name": v.group(1), "args": v.group(2) or "", "line": where}
            verbs.append(cur)
            key = None
            continue
        if key == "Option":
            o = OPTION.match(value)
            if not o:
                raise DefError(f"{where}: an option is 'Option: [-x, ]--name [ARG]'")
            cur = {"short": o.group(1), "name": o.group(2), "arg": o.group(3),
                   "line": where}
            opts.append(cur)
            key = None
            continue
        allowed = PROGRAM_KEYS if cur is prog else RECORD_KEYS
        if key not in allowed:
            raise DefError(f"{where}: unknown field {key}")
        if key in cur:
            raise DefError(f"{where}: {key} given twice")
        cur[key] = value
    check(path, prog, verbs, opts)
    return prog, verbs, opts


def check(path, prog, verbs, opts):
    for k in ("Program", "Section", "Usage", "Summary"):
        if k not in prog:
            raise DefError(f"{path}: no {k} field")
    names = [v["name"] for v in verbs]
    seen = set()
    for o in opts:
        for ident in (o["name"], o["short"]):
            if ident and ident in seen:
                raise DefError(f"{o['line']}: {ident} defined twice")
            seen.add(ident)
        if "Help" not in o:
            raise DefError(f"{o['line']}: --{o['name']} has no Help")
        vs = o.get("Verbs", "all" if verbs else "")
        if vs and not verbs:
            raise DefError(f"{o['line']}: Verbs, but {prog['Program']} has no verbs")
        o["verbs"] = names if vs == "all" else vs.split()
        for v in o["verbs"]:
            if v not in names:
                raise DefError(f"{o['line']}: no verb {v}")
    for v in verbs:
        v["all"] = names
    if len(set(names)) != len(names):
        raise DefError(f"{path}: a verb defined twice")
    if len(verbs) > 32:
        raise DefError(f"{path}: more than 32 verbs (common/cmdline.h)")
    for v in verbs:
        if "Help" not in v:
            raise DefError(f"{v['line']}: verb {v['name']} has no Help")


def ident(s):
    return re.sub(r"[^A-Za-z0-9]", "_", s)


def c_str(s):
    if s is None:
        return "NULL"
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def gen_c(defs, out_c, out_h, src):
    prog, verbs, opts = defs
    p = ident(prog["Program"])
    P = p.upper()
    head = f"/* {out_h.split('/')[-1]} - generated by tools/optgen.py from {src}: edit that. */\n"
    h = [head, f"#ifndef {P}_OPTS_H", f"#define {P}_OPTS_H", "", '#include "cmdline.h"']
    if prog.get("C-include"):  # declares the verbs' functions and their type
        h.append(f'#include "{prog["C-include"]}"')
    h.append("")
    h.append(f"enum {p}_opt {{")
    h += [f"\t{P}_OPT_{ident(o['name']).upper()}," for o in opts]
    h += [f"\t{P}_OPT_COUNT", "};", ""]
    if verbs:
        h.append(f"enum {p}_verb {{")
        h += [f"\t{P}_VERB_{ident(v['name']).upper()}," for v in verbs]
        h += [f"\t{P}_VERB_COUNT", "};", ""]
        h.append(f"/* The verbs' functions, in the order of enum {p}_verb: cmd_NAME. */")
        h.append(f"extern const {p}_verb_fn {p}_verb_run[{P}_VERB_COUNT];")
        h.append("")
    h += [f"extern const struct cmdline_spec {p}_spec;", "", "#endif", ""]
    c = [head.replace(out_h.split('/')[-1], out_c.split('/')[-1]),
         f'#include "{out_h.split("/")[-1]}"']
    c += ["", f"static const struct cmdline_opt {p}_option_table[{P}_OPT_COUNT] = {{"]
    for o in opts:
        mask = " | ".join(f"CMDLINE_VERB({P}_VERB_{ident(v).upper()})" for v in o["verbs"])
        if verbs and len(o["verbs"]) == len(verbs):
            mask = "CMDLINE_ALL_VERBS"
        short = f"'{o['short']}'" if o["short"] else "0"
        c.append(f"\t[{P}_OPT_{ident(o['name']).upper()}] = {{{c_str(o['name'])}, {short}, "
                 f"{c_str(o['arg'])}, {mask or '0'}, {c_str(o['Help'])}, "
                 f"{c_str(o.get('Default'))}}},")
    c += ["};", ""]
    if verbs:
        c.append(f"static const struct cmdline_verb {p}_verb_table[{P}_VERB_COUNT] = {{")
        for v in verbs:
            c.append(f"\t[{P}_VERB_{ident(v['name']).upper()}] = {{{c_str(v['name'])}, "
                     f"{c_str(v['args'])}, {c_str(v['Help'])}}},")
        c += ["};", ""]
        c.append(f"const {p}_verb_fn {p}_verb_run[{P}_VERB_COUNT] = {{")
        for v in verbs:
            c.append(f"\t[{P}_VERB_{ident(v['name']).upper()}] = cmd_{ident(v['name'])},")
        c += ["};", ""]
    c.append(f"const struct cmdline_spec {p}_spec = {{")
    c.append(f"\t.program = {c_str(prog['Program'])},")
    c.append(f"\t.usage = {c_str(prog['Usage'])},")
    c.append(f"\t.summary = {c_str(prog['Summary'])},")
    c.append(f"\t.footer = {c_str(prog.get('Footer'))},")
    c.append(f"\t.opts = {p}_option_table,")
    c.append(f"\t.n_opts = {P}_OPT_COUNT,")
    if verbs:
        c.append(f"\t.verbs = {p}_verb_table,")
        c.append(f"\t.n_verbs = {P}_VERB_COUNT,")
    c += ["};", ""]
    with open(out_h, "w", encoding="utf-8") as f:
        f.write("\n".join(h))
    with open(out_c, "w", encoding="utf-8") as f:
        f.write("\n".join(c))


# ---- roff ----

def roff_text(s):
    """Plain text as roff: escapes, options and `code` in bold."""
    s = s.replace("\\", "\\e")
    s = re.sub(r"`([^`]+)`", lambda m: "\\fB" + m.group(1) + "\\fR", s)
    s = re.sub(r"(?<![\w\\])(--?[a-z][a-z0-9-]*)",
               lambda m: "\\fB" + m.group(1) + "\\fR", s)
    s = s.replace("-", "\\-")
    out = []
    for para in s.split("\n\n"):
        lines = textwrap.wrap(para, 72, break_on_hyphens=False, break_long_words=False)
        lines = [("\\&" + ln) if ln[:1] in ".'" else ln for ln in lines]
        out.append("\n".join(lines))
    return "\n.PP\n".join(out)


def roff_word(s):
    return s.replace("\\", "\\e").replace("-", "\\-")


def sentence(s):
    """A Help line as a sentence: capitalised, with a full stop."""
    s = s[:1].upper() + s[1:]
    return s if s.endswith(".") else s + "."


def option_head(o, roff):
    if roff:
        head = (f"\\fB\\-{o['short']}\\fR, " if o["short"] else "") + \
            f"\\fB\\-\\-{roff_word(o['name'])}\\fR"
        if o["arg"]:
            head += f" \\fI{roff_word(o['arg'])}\\fR"
        return head
    head = (f"-{o['short']}, " if o["short"] else "") + f"--{o['name']}"
    return head + (f" {o['arg']}" if o["arg"] else "")


def verbs_of(o, verbs):
    if not verbs or len(o["verbs"]) == len(verbs):
        return None
    return ", ".join(o["verbs"])


def gen_man(defs, template, out, version):
    prog, verbs, opts = defs
    vparts = []
    for v in verbs:
        own = verb_synopsis(v, opts)[len(v["name"] + " " + v["args"]):].strip()
        vparts.append(".TP\n" + f"\\fB{roff_word(v['name'])}\\fR" +
                      (f" \\fI{roff_word(v['args'])}\\fR" if v["args"] else "") +
                      (" " + roff_word(own) if own else "") + "\n" +
                      roff_text(v.get("Text") or sentence(v["Help"])))
    oparts = []
    for o in opts:
        body = roff_text(o.get("Text") or sentence(o["Help"]))
        extra = []
        if o.get("Default"):
            extra.append("Default: " + o["Default"] + ".")
        vs = verbs_of(o, verbs)
        if vs:
            extra.append("Verbs: " + vs + ".")
        for e in extra:
            body += "\n.br\n" + roff_text(e)
        oparts.append(".TP\n" + option_head(o, True) + "\n" + body)
    with open(template, encoding="utf-8") as f:
        page = f.read()
    for mark in ("@VERBS@", "@OPTIONS@", "@VERSION@"):
        if mark == "@VERBS@" and not verbs:
            continue
        if mark not in page:
            raise DefError(f"{template}: no {mark}")
    page = page.replace("@VERBS@", "\n".join(vparts))
    page = page.replace("@OPTIONS@", "\n".join(oparts))
    page = page.replace("@VERSION@", version)
    with open(out, "w", encoding="utf-8") as f:
        f.write(page)


# ---- README ----

def md_cell(s):
    return s.replace("|", "\\|").replace("\n\n", " ")


def md_code(s):
    return "`" + s.replace("|", "\\|") + "`"


def gen_readme(defs):
    prog, verbs, opts = defs
    rows = []
    if verbs:
        rows.append("| option | verbs | meaning | default |")
        rows.append("|---|---|---|---|")
    else:
        rows.append("| option | meaning | default |")
        rows.append("|---|---|---|")
    for o in opts:
        cells = [md_code(option_head(o, False))]
        if verbs:
            cells.append(verbs_of(o, verbs) or "all")
        cells.append(md_cell(o.get("Text", o["Help"])))
        cells.append(md_cell(o.get("Default", "")))
        rows.append("| " + " | ".join(cells) + " |")
    return "\n".join(rows) + "\n"


def verb_synopsis(v, opts):
    """A verb, its arguments and the options only it and a few take."""
    words = [v["name"]] + ([v["args"]] if v["args"] else [])
    for o in opts:
        if v["name"] in o["verbs"] and len(o["verbs"]) < len(v["all"]):
            words.append("[--" + o["name"] + (" " + o["arg"] if o["arg"] else "") + "]")
    return " ".join(words)


def gen_readme_verbs(defs):
    prog, verbs, opts = defs
    rows = ["| command | does |", "|---|---|"]
    for v in verbs:
        rows.append(f"| {md_code(prog['Program'] + ' ' + verb_synopsis(v, opts))} | "
                    f"{md_cell(v.get('Text') or sentence(v['Help']))} |")
    return "\n".join(rows) + "\n"


def readme_blocks(defs):
    """(begin mark, end mark, text) of each README table of a program."""
    name = defs[0]["Program"]
    how = (f"generated from docs/options/{name}.opts by tools/optgen.py; edit that "
           "file, then ninja -C BUILD update-readme")
    blocks = [(f"<!-- options of {name}: {how} -->\n",
               f"<!-- end of the options of {name} -->\n", gen_readme(defs))]
    if defs[1]:
        blocks.append((f"<!-- verbs of {name}: {how} -->\n",
                       f"<!-- end of the verbs of {name} -->\n", gen_readme_verbs(defs)))
    return blocks


def check_readme(readme, defs_paths, update):
    with open(readme, encoding="utf-8") as f:
        text = f.read()
    bad = []
    for path in defs_paths:
        defs = parse(path)
        for begin, end, want in readme_blocks(defs):
            i = text.find(begin)
            j = text.find(end, i + 1) if i >= 0 else -1
            if i < 0 or j < 0:
                raise DefError(f"{readme}: no marks {begin.strip()}")
            if text[i + len(begin):j] != want:
                bad.append(begin.split(":")[0][5:])
                text = text[:i + len(begin)] + want + text[j:]
    if update:
        with open(readme, "w", encoding="utf-8") as f:
            f.write(text)
        return 0
    for what in bad:
        print(f"{readme}: the table of the {what} differs from its definition in "
              "docs/options/ (ninja -C BUILD update-readme rewrites it)", file=sys.stderr)
    return 1 if bad else 0


def main(argv):
    try:
        if len(argv) == 5 and argv[1] == "c":
            gen_c(parse(argv[2]), argv[3], argv[4], argv[2].split("/")[-1])
        elif len(argv) == 6 and argv[1] == "man":
            gen_man(parse(argv[2]), argv[3], argv[4], argv[5])
        elif len(argv) == 3 and argv[1] == "readme":
            sys.stdout.write(gen_readme(parse(argv[2])))
        elif len(argv) >= 4 and argv[1] == "check-readme":
            update = argv[2] == "--update"
            rest = argv[3:] if update else argv[2:]
            return check_readme(rest[0], rest[1:], update)
        else:
            print(__doc__.split("\n\n")[1], file=sys.stderr)
            return 2
    except (DefError, OSError) as e:
        print(f"optgen: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
