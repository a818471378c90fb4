#!/usr/bin/env python3
"""An independent, minimal reader of `.lanes` files, written from Traces/FORMAT.md alone.

    python3 Tests/lanes_reader.py FILE

prints the file's canonical decoding (FORMAT.md section 8), the form of the conformance vectors'
text twins in Traces/conformance/. The tests run it on every vector and on the seed traces and
compare its output with Lanes' own reader: two readers written apart that agree are the check
that the specification says enough.

Exit status: 0 decoded (whatever was lost is listed as `loss` lines), 3 not a version-1 file.
"""

import struct
import sys

MAGIC = bytes([0x89, 0x4C, 0x41, 0x4E, 0x45, 0x53, 0x0D, 0x0A, 0x1A, 0x0A])
MARKER = 0xF7
RECORD_HEADER = 10
MAX_PAYLOAD = 16 << 20
KINDS = ["unknown", "handler", "async", "sync", "makeAsync", "runSync", "gather", "poolWait"]
STATUSES = ["ok", "error", "unfinished"]
OTEL_KINDS = ["unspecified", "internal", "server", "client", "producer", "consumer"]  # section 4.6.1
OTEL_STATUSES = ["unset", "ok", "error"]
UNDEFINED = object()  # a string id a lost `strings` record would have defined
MASK = (1 << 64) - 1
MAX_FRAMES = 1024  # section 4.13
MAX_BUILD_ID = 64  # section 4.12
MAX_VALUE_DEPTH = 32  # section 4.19


def wrap(value):
    """Two's-complement 64-bit arithmetic (FORMAT.md section 2: arithmetic wraps)."""
    value &= (1 << 64) - 1
    return value - (1 << 64) if value >= 1 << 63 else value


def crc32c(data, crc=0):
    crc ^= 0xFFFFFFFF
    for byte in data:
        crc = CRC_TABLE[(crc ^ byte) & 0xFF] ^ (crc >> 8)
    return crc ^ 0xFFFFFFFF


def _crc_table():
    table = []
    for byte in range(256):
        crc = byte
        for _ in range(8):
            crc = (crc >> 1) ^ 0x82F63B78 if crc & 1 else crc >> 1
        table.append(crc)
    return table


CRC_TABLE = _crc_table()


class Cursor:
    """Reads the encoding primitives from data[position:end]; every read returns None when the
    bytes run out (or a varint is longer than ten bytes), leaving the position unmoved."""

    def __init__(self, data, position, end):
        self.data, self.position, self.end = data, position, end

    def remaining(self):
        return self.end - self.position

    def byte(self):
        if self.position >= self.end:
            return None
        self.position += 1
        return self.data[self.position - 1]

    def uvar(self):
        value, shift, position = 0, 0, self.position
        while True:
            if position >= self.end or shift >= 64:
                return None
            byte = self.data[position]
            position += 1
            value |= (byte & 0x7F) << shift
            if byte < 0x80:
                self.position = position
                return value & ((1 << 64) - 1)
            shift += 7

    def svar(self):
        raw = self.uvar()
        return None if raw is None else wrap((raw >> 1) ^ -(raw & 1))

    def fixed(self, size, fmt):
        if self.remaining() < size:
            return None
        value = struct.unpack_from(fmt, self.data, self.position)[0]
        self.position += size
        return value

    def raw(self, size):
        if size > self.remaining():
            return None
        self.position += size
        return self.data[self.position - size:self.position]

    def peek(self):
        return self.data[self.position] if self.position < self.end else None

    def string(self):
        start = self.position
        length = self.uvar()
        if length is None or length > self.remaining():
            self.position = start
            return None
        text = self.data[self.position:self.position + length].decode("utf-8", "replace")
        self.position += length
        return text


class Span:
    def __init__(self, number, name, kind, begin, parent_id, task, thread, on_executor):
        self.number, self.name, self.kind = number, name, kind
        self.begin = self.end = begin
        self.parent_id, self.parent = parent_id, None
        self.task, self.thread = task, thread
        self.status, self.cpu, self.ended = "ok", None, False
        self.flags = {"onExecutor"} if on_executor else set()
        self.attributes = []  # (key, value): a str, or a Value (a typed value other than a string)
        self.identity = self.otel_status = None  # OpenTelemetry facts (section 4.6.1)
        self.events, self.links = [], []


class Value:
    """A typed value other than a string (section 4.19), as its canonical text (section 8)."""

    def __init__(self, text):
        self.text = text


def value_text(value):
    """An attribute's value as section 8 prints it."""
    return quote(value) if isinstance(value, str) else value.text


def sort_text(value):
    """An attribute's value as the span order compares it: a string itself, else its text."""
    return value if isinstance(value, str) else value.text


def clamp32(value):
    return min(value, 0xFFFFFFFF)


class Reader:
    def __init__(self, data):
        self.data = data
        self.process = ("", 0, 0, 0)
        self.saw_header = self.saw_footer = False
        self.strings = [""]
        self.writer_thread = {}
        self.threads = {}  # id -> [name, executor]
        self.tasks = {}  # id -> name
        self.task_parents = {}  # id -> parent id, from tasks records
        self.earliest_enqueue = {}  # id -> (enqueued, enqueuer id), from jobs with an enqueuer
        self.job_capture = None  # (capturing, width, note)
        self.watchdog = None  # (on, first sample, interval, signal, note)
        self.images, self.image_keys = [], set()
        self.stacks, self.highest_stack = {}, 0  # stack id -> frames as recorded
        self.stack_addresses = set()  # every stack's code addresses as a symbolizer looks them up
        self.symbols, self.symbol_notes = {}, []  # address -> [(function, file, line, app)]
        self.samples = []
        self.resources, self.scopes = [], []  # distinct contents, numbered in the order read
        self.resource_of_file_id, self.scope_of_file_id = {}, {}
        self.pending_facts = {}  # span id -> OpenTelemetry facts read before the span's begin
        self.spans, self.by_id = [], {}
        self.slices = []
        self.pending_ends, self.pending_attributes, self.pending_flags = {}, {}, {}
        self.inheriting = []  # (span, parent id) whose parent was not read yet
        self.dropped, self.window = 0, None
        self.latest = None
        self.losses = dict.fromkeys(["damaged-records", "lost-events", "undecodable", "unknown-records",
                                     "undecodable-extensions", "missing-strings", "missing-stacks",
                                     "unknown-scopes"], 0)
        self.cut_off_at, self.lost_events_known = None, True
        self.budget = max(1 << 20, 64 * len(data))

    # -- records -----------------------------------------------------------------------------

    def read(self):
        data, offset = self.data, len(MAGIC) + 2
        while offset < len(data):
            if len(data) - offset < RECORD_HEADER:
                self.cut_off_at = offset
                break
            state, record_type, length = self.check(offset)
            if state == "valid":
                start = offset + RECORD_HEADER
                self.record(record_type, Cursor(data, start, start + length))
                offset = start + length
            elif state == "truncated":
                self.cut_off_at = offset
                self.note_lost_events(offset)
                offset = len(data)
            else:
                self.losses["damaged-records"] += 1
                self.note_lost_events(offset)
                offset = self.resynchronise(offset)

    def check(self, offset):
        data = self.data
        if data[offset] != MARKER:
            return "damaged", 0, 0
        record_type = data[offset + 1]
        length = struct.unpack_from("<I", data, offset + 2)[0]
        if length > MAX_PAYLOAD:
            return "damaged", 0, 0
        start = offset + RECORD_HEADER
        if start + length > len(data):
            return "truncated", 0, 0
        stored = struct.unpack_from("<I", data, offset + 6)[0]
        crc = crc32c(data[start:start + length], crc32c(data[offset + 1:offset + 6]))
        return ("valid", record_type, length) if crc == stored else ("damaged", 0, 0)

    def resynchronise(self, offset):
        data, candidate = self.data, offset + 1
        while candidate + RECORD_HEADER <= len(data):
            if data[candidate] == MARKER:
                length = struct.unpack_from("<I", data, candidate + 2)[0]
                if length <= MAX_PAYLOAD and candidate + RECORD_HEADER + length <= len(data):
                    self.budget -= length
                    if self.budget < 0:
                        return len(data)
                    if self.check(candidate)[0] == "valid":
                        return candidate
            candidate += 1
        if candidate < len(data) and self.cut_off_at is None:
            self.cut_off_at = candidate
        return len(data)

    def note_lost_events(self, offset):
        """A damaged or cut-off chunk whose header is legible declares how many events it held."""
        data = self.data
        if offset + RECORD_HEADER >= len(data) or data[offset] != MARKER or data[offset + 1] != 0x10:
            self.lost_events_known = False
            return
        cursor = Cursor(data, offset + RECORD_HEADER, len(data))
        fields = [cursor.uvar(), cursor.uvar(), cursor.svar(), cursor.uvar(), cursor.uvar()]
        if None in fields or fields[4] > 1 << 24:
            self.lost_events_known = False
            return
        self.losses["lost-events"] += fields[4]

    def note_time(self, time):
        self.latest = time if self.latest is None else max(self.latest, time)

    def string(self, string_id):
        if string_id < len(self.strings) and self.strings[string_id] is not UNDEFINED:
            return self.strings[string_id]
        self.losses["missing-strings"] += 1
        return "?"

    def task(self, task_id):
        self.tasks.setdefault(task_id, "")
        return task_id

    def record(self, record_type, cursor):
        handler = {0x01: self.header, 0x02: self.define_strings, 0x03: self.thread, 0x04: self.define_tasks,
                   0x05: self.dropped_record, 0x10: self.chunk, 0x20: self.job_capture_record,
                   0x21: self.images_record, 0x22: self.stacks_record, 0x23: self.symbols_record,
                   0x24: self.watchdog_record, 0x30: self.resource_record, 0x31: self.scope_record,
                   0x40: self.named_tasks, 0x41: self.window_record,
                   0x7E: self.footer}.get(record_type)
        if handler is None:
            self.losses["unknown-records"] += 1
        elif handler(cursor) is False:
            self.losses["undecodable"] += 1

    def header(self, cursor):
        if self.saw_header:
            return True  # the first header stands
        clock, unix, pid = cursor.fixed(8, "<q"), cursor.fixed(8, "<q"), cursor.fixed(4, "<I")
        if None in (clock, unix, pid):
            return False
        self.process = (cursor.string() or "", pid, clock, unix)
        self.saw_header = True
        return True

    def define_strings(self, cursor):
        first, count = cursor.uvar(), cursor.uvar()
        if first is None or count is None or first < 1 or count > cursor.remaining():
            return False
        if first > len(self.strings):  # a lost record's ids stay undefined
            gap = first - len(self.strings)
            if gap > self.budget // 64 + (1 << 16):
                return False
            self.strings.extend([UNDEFINED] * gap)
        for string_id in range(first, first + count):
            text = cursor.string()
            if text is None:
                return False
            if string_id >= len(self.strings):
                self.strings.append(text)
            elif self.strings[string_id] is UNDEFINED:  # defined once; a gap may be filled
                self.strings[string_id] = text
        return True

    def thread(self, cursor):
        writer, thread_id, flags, name = cursor.uvar(), cursor.uvar(), cursor.byte(), cursor.string()
        if None in (writer, thread_id, flags, name) or writer > 0xFFFFFFFF:
            return False
        known = self.threads.setdefault(thread_id, ["", False])
        if name:
            known[0] = name
        known[1] = known[1] or bool(flags & 1)
        self.writer_thread[writer] = thread_id
        return True

    def define_tasks(self, cursor, inline=False):
        count = cursor.uvar()
        if count is None or count > cursor.remaining():
            return False
        task_id = 0
        for _ in range(count):
            delta = cursor.svar()
            name = cursor.string() if inline else cursor.uvar()
            parent = cursor.uvar()
            if None in (delta, name, parent):
                return False
            task_id = (task_id + delta) & ((1 << 64) - 1)
            self.task(task_id)
            if parent != 0 and parent != task_id:
                self.task(parent)
                self.task_parents[task_id] = parent
            if inline and name:
                self.tasks[task_id] = name
            elif not inline and name != 0:
                self.tasks[task_id] = self.string(name)
        return True

    def named_tasks(self, cursor):
        return self.define_tasks(cursor, inline=True)

    def dropped_record(self, cursor):
        writer, count, time = cursor.uvar(), cursor.uvar(), cursor.svar()
        if None in (writer, count, time):
            return False
        self.dropped += count
        self.note_time(time)
        return True

    def job_capture_record(self, cursor):
        flags, width, note = cursor.byte(), cursor.uvar(), cursor.string()
        if None in (flags, width, note):
            return False
        self.job_capture = (bool(flags & 1), min(width, 1 << 20), note)
        return True

    # -- the watchdog's records (sections 4.12-4.15) -------------------------------------------

    def images_record(self, cursor):
        count = cursor.uvar()
        if count is None or count > cursor.remaining():
            return False
        for _ in range(count):  # images before damage are kept (section 5, item 8)
            base, start, end, length = cursor.uvar(), cursor.uvar(), cursor.uvar(), cursor.uvar()
            if None in (base, start, end, length) or length > MAX_BUILD_ID:
                return False
            build_id = cursor.raw(length)
            size, time, path = cursor.uvar(), cursor.svar(), cursor.string()
            if None in (build_id, size, time, path):
                return False
            if (base, path) not in self.image_keys:  # the same image: the first one read stands
                self.image_keys.add((base, path))
                self.images.append((base, start, max(start, end), bytes(build_id).hex(), size, time, path))
        return True

    def stacks_record(self, cursor):
        first, count = cursor.uvar(), cursor.uvar()
        if None in (first, count) or first < 1 or first > self.highest_stack + 1 or count > cursor.remaining():
            return False
        for index in range(count):
            frame_count = cursor.uvar()
            if frame_count is None or frame_count > MAX_FRAMES or frame_count > cursor.remaining():
                return False
            frames, address = [], 0
            for _ in range(frame_count):
                delta = cursor.svar()
                if delta is None:
                    return False
                address = (address + delta) & MASK
                frames.append(address)
            self.stacks[first + index] = tuple(frames)  # a redefined id names the new stack from here on
            self.highest_stack = max(self.highest_stack, first + index)
            for position, frame in enumerate(frames):  # the program counter, then return addresses - 1
                self.stack_addresses.add(frame if position == 0 else (frame - 1) & MASK)
        return True

    def symbols_record(self, cursor):
        string_count = cursor.uvar()
        if string_count is None or string_count > cursor.remaining():
            return False
        table = []
        for _ in range(string_count):
            text = cursor.string()
            if text is None:
                return False
            table.append(text)

        def text_at(index):
            return table[index] if index is not None and index < len(table) else None

        note_count = cursor.uvar()
        if note_count is None or note_count > cursor.remaining():
            return False
        for _ in range(note_count):
            note = text_at(cursor.uvar())
            if note is None:
                return False
            if note not in self.symbol_notes:
                self.symbol_notes.append(note)
        entry_count = cursor.uvar()
        if entry_count is None or entry_count > cursor.remaining():
            return False
        for _ in range(entry_count):
            address, location_count = cursor.uvar(), cursor.uvar()
            if None in (address, location_count) or location_count > cursor.remaining():
                return False
            locations = []
            for _ in range(location_count):
                function = text_at(cursor.uvar())
                file = text_at(cursor.uvar())
                line, flags = cursor.uvar(), cursor.byte()
                if None in (function, file, line, flags):
                    return False
                locations.append((function, file, min(line, (1 << 31) - 1), bool(flags & 1)))
            self.symbols[address] = locations  # a later description replaces an earlier one
        return True

    def watchdog_record(self, cursor):
        flags, first, interval, signal, note = cursor.byte(), cursor.uvar(), cursor.uvar(), cursor.uvar(), cursor.string()
        if None in (flags, first, interval, signal, note):
            return False
        limit = (1 << 63) - 1
        self.watchdog = (bool(flags & 1), min(first, limit), min(interval, limit), min(signal, 65536), note)
        return True

    # -- OpenTelemetry records and typed values (sections 4.17-4.19) -------------------------

    def value(self, cursor, depth=0):
        """One typed value as its canonical text, or None when it is damage."""
        if depth > MAX_VALUE_DEPTH:
            return None
        value_type = cursor.byte()
        if value_type == 0:
            return "empty"
        if value_type == 1:
            string_id = cursor.uvar()
            return None if string_id is None else quote(self.string(string_id))
        if value_type == 2:
            flag = cursor.byte()
            return None if flag is None else ("true" if flag else "false")
        if value_type == 3:
            number = cursor.svar()
            return None if number is None else str(number)
        if value_type == 4:
            bits = cursor.fixed(8, "<Q")
            return None if bits is None else "double(%016x)" % bits
        if value_type == 5:
            length = cursor.uvar()
            content = None if length is None else cursor.raw(length)
            return None if content is None else "bytes(%s)" % bytes(content).hex()
        if value_type in (6, 7):
            count = cursor.uvar()
            if count is None or count > cursor.remaining():
                return None
            items = []
            for _ in range(count):
                key = cursor.uvar() if value_type == 7 else None
                if value_type == 7 and key is None:
                    return None
                item = self.value(cursor, depth + 1)
                if item is None:
                    return None
                items.append(item if value_type == 6 else f"{quote(self.string(key))}: {item}")
            return ("[%s]" if value_type == 6 else "{%s}") % ", ".join(items)
        return None  # an unknown type, or no byte left

    def typed_attributes(self, cursor):
        """A count, then (key string, value) pairs: [(key, value text)], or None when damaged."""
        count = cursor.uvar()
        if count is None or count > cursor.remaining():
            return None
        attributes = []
        for _ in range(count):
            key = cursor.uvar()
            value = None if key is None else self.value(cursor)
            if value is None:
                return None
            attributes.append((self.string(key), value))
        return tuple(attributes)

    @staticmethod
    def number(table, content):
        """The number of `content` in `table` (resources or scopes), adding it if it is new."""
        if content not in table:
            table.append(content)
        return table.index(content)

    def resource_record(self, cursor):
        file_id, schema, dropped = cursor.uvar(), cursor.uvar(), cursor.uvar()
        attributes = None if None in (file_id, schema, dropped) else self.typed_attributes(cursor)
        if attributes is None:
            return False
        self.resource_of_file_id[file_id] = self.number(self.resources, (self.string(schema), clamp32(dropped), attributes))
        return True

    def scope_record(self, cursor):
        fields = [cursor.uvar() for _ in range(6)]  # id, resource, name, version, schema URL, dropped
        attributes = None if None in fields else self.typed_attributes(cursor)
        if attributes is None:
            return False
        file_id, resource_id, name, version, schema, dropped = fields
        resource = self.resource_of_file_id.get(resource_id) if resource_id != 0 else None
        content = (resource, self.string(name), self.string(version), self.string(schema), clamp32(dropped), attributes)
        self.scope_of_file_id[file_id] = self.number(self.scopes, content)
        return True

    def window_record(self, cursor):
        start, end, reason = cursor.svar(), cursor.svar(), cursor.string()
        if None in (start, end, reason):
            return False
        self.window = (start, end, reason)
        return True

    def footer(self, cursor):
        self.saw_footer = True
        return True

    # -- events ------------------------------------------------------------------------------

    def chunk(self, cursor):
        writer, _, base, first_span, declared = (cursor.uvar(), cursor.uvar(), cursor.svar(), cursor.uvar(),
                                                 cursor.uvar())
        if None in (writer, base, first_span, declared):
            return False
        self.state = {"time": base, "next": first_span, "task": 0, "thread": self.writer_thread.get(writer)}
        self.note_time(base)
        decoded = 0
        while cursor.remaining() > 0:
            if not self.event(cursor):
                self.losses["undecodable"] += 1
                if declared > decoded:
                    self.losses["lost-events"] += min(declared - decoded, 1 << 24)
                break
            decoded += 1
        self.note_time(self.state["time"])
        return True

    def span_id(self, reference):
        return (self.state["next"] - 1 - wrap((reference >> 1) ^ -(reference & 1))) & ((1 << 64) - 1)

    def current_task(self):
        return self.task(self.state["task"])

    def event(self, cursor):
        state = self.state
        opcode = cursor.byte()
        if opcode is None:
            return False
        if 0x40 <= opcode < 0x80:  # begin
            delta, name, parent = cursor.uvar(), cursor.uvar(), cursor.uvar()
            if None in (delta, name, parent):
                return False
            self.begin(delta, self.string(name), KINDS[opcode & 0x0F] if opcode & 0x0F < 8 else "unknown",
                       parent, bool(opcode & 0x20), bool(opcode & 0x10))
        elif opcode in (0x01, 0x02, 0x03, 0x09):  # the ends
            delta, reference = cursor.uvar(), cursor.uvar()
            if None in (delta, reference):
                return False
            state["time"] = wrap(state["time"] + delta)
            span_id, status, cpu = self.span_id(reference), "ok", None
            if opcode == 0x02:
                message = cursor.uvar()
                if message is None:
                    return False
                status = "error"
                if message != 0:
                    self.attach(span_id, "error", self.string(message))
            elif opcode == 0x03:
                cpu = cursor.uvar()
                if cpu is None:
                    return False
                cpu = wrap(cpu)
            elif opcode == 0x09:
                raw, cpu_plus_one = cursor.byte(), cursor.uvar()
                if None in (raw, cpu_plus_one):
                    return False
                status = STATUSES[raw] if raw < 3 else "ok"
                cpu = wrap(cpu_plus_one - 1) if cpu_plus_one > 0 else None
            self.end(span_id, state["time"], status, cpu)
        elif opcode == 0x04:  # set task
            delta = cursor.svar()
            if delta is None:
                return False
            state["task"] = (state["task"] + delta) & ((1 << 64) - 1)
            self.current_task()
        elif opcode == 0x05:  # set next span id
            next_id = cursor.uvar()
            if next_id is None:
                return False
            state["next"] = next_id
        elif opcode == 0x06:  # attribute
            reference, key, value = cursor.uvar(), cursor.uvar(), cursor.uvar()
            if None in (reference, key, value):
                return False
            self.attach(self.span_id(reference), self.string(key), self.string(value))
        elif opcode == 0x07:  # job
            task_id, start, queued, run = cursor.uvar(), cursor.svar(), cursor.uvar(), cursor.uvar()
            if None in (task_id, start, queued, run):
                return False
            started = wrap(state["time"] + start)
            enqueued, ended = wrap(started - wrap(queued)), wrap(started + wrap(run))
            self.slices.append((self.task(task_id), state["thread"], min(enqueued, started), started, max(started, ended)))
            self.note_time(ended)
        elif opcode == 0x08:  # instant
            delta, name, parent = cursor.uvar(), cursor.uvar(), cursor.uvar()
            if None in (delta, name, parent):
                return False
            span = self.begin(delta, self.string(name), "unknown", parent, False, False)
            span.flags.add("instant")
            self.end(self.state["next"] - 1, state["time"], "ok", None)
        elif opcode == 0x0A:  # set flags
            reference, flags = cursor.uvar(), cursor.byte()
            if None in (reference, flags):
                return False
            if flags & 0x04:
                span = self.by_id.get(self.span_id(reference))
                if span is not None:
                    span.flags.add("instant")
                else:
                    self.pending_flags[self.span_id(reference)] = True
        elif opcode >= 0x80:  # an extension, skipped by its length unless known
            length = cursor.uvar()
            if length is None or length > cursor.remaining():
                return False
            payload = Cursor(self.data, cursor.position, cursor.position + length)
            cursor.position += length
            self.extension(opcode, payload)
        else:
            return False  # reserved: the event's length is unknown
        return True

    def extension(self, opcode, payload):
        if opcode == 0x81:  # job with enqueuer: a job, then which task made it ready
            task_id, start, queued, run = payload.uvar(), payload.svar(), payload.uvar(), payload.uvar()
            if None in (task_id, start, queued, run):
                self.losses["undecodable-extensions"] += 1
                return
            state = self.state
            started = wrap(state["time"] + start)
            enqueued, ended = wrap(started - wrap(queued)), wrap(started + wrap(run))
            self.slices.append((self.task(task_id), state["thread"], min(enqueued, started), started, max(started, ended)))
            self.note_time(ended)
            code = payload.uvar()
            if code is not None:
                if code == 0:
                    enqueuer = 0
                elif code == 1:
                    enqueuer = task_id
                else:
                    zigzag = code - 1
                    enqueuer = (task_id + ((zigzag >> 1) ^ -(zigzag & 1))) & ((1 << 64) - 1)
                earliest = self.earliest_enqueue.get(task_id)
                if earliest is None or min(enqueued, started) < earliest[0]:
                    self.earliest_enqueue[task_id] = (min(enqueued, started), enqueuer)
        elif opcode == 0x82:  # sample (section 4.16)
            self.sample(payload)
        elif 0x90 <= opcode <= 0x94:  # OpenTelemetry facts (section 4.6.1)
            self.fact(opcode, payload)
        elif opcode == 0xA0:  # inline attribute
            reference, key, value = payload.uvar(), payload.string(), payload.string()
            if None in (reference, key, value):
                self.losses["undecodable-extensions"] += 1
            else:
                self.attach(self.span_id(reference), key, value)
        elif opcode == 0xA1:  # inline name
            reference, name = payload.uvar(), payload.string()
            if None in (reference, name):
                self.losses["undecodable-extensions"] += 1
            elif self.span_id(reference) in self.by_id:
                self.by_id[self.span_id(reference)].name = name

    def sample(self, payload):
        fields = [payload.uvar(), payload.uvar(), payload.svar(), payload.uvar(), payload.byte(), payload.byte(),
                  payload.uvar(), payload.uvar(), payload.uvar()]
        if None in fields:
            self.losses["undecodable-extensions"] += 1
            return
        thread_id, task_id, offset, age, letter, flags, cpu, run_queue, stack_id = fields
        time = wrap(self.state["time"] + offset)
        self.threads.setdefault(thread_id, ["", False])  # a thread a sample names becomes known
        task = self.task(task_id) if task_id != 0 else None
        stack = self.stacks.get(stack_id) if stack_id != 0 else None
        if stack_id != 0 and stack is None:
            self.losses["missing-stacks"] += 1
        self.samples.append((thread_id, time, task, wrap(time - wrap(age)), letter, flags, wrap(cpu), wrap(run_queue), stack))
        self.note_time(time)

    def fact(self, opcode, payload):
        reference = payload.uvar()
        facts = None if reference is None else self.read_fact(opcode, payload)
        if facts is None:
            self.losses["undecodable-extensions"] += 1
            return
        span_id = self.span_id(reference)
        if opcode == 0x91:  # a typed attribute is an attribute
            self.attach(span_id, *facts)
        elif span_id in self.by_id:
            self.apply_fact(self.by_id[span_id], opcode, facts)
        else:  # the span's begin may come later in the file
            self.pending_facts.setdefault(span_id, []).append((opcode, facts))

    def read_fact(self, opcode, payload):
        """The fields of OpenTelemetry fact `opcode` after the span reference, or None."""
        if opcode == 0x90:  # span identity
            kind, trace_id, span_id, parent_id = payload.byte(), payload.raw(16), payload.raw(8), payload.raw(8)
            flags, state, scope_id = payload.uvar(), payload.uvar(), payload.uvar()
            if None in (kind, trace_id, span_id, parent_id, flags, state, scope_id):
                return None
            scope = self.scope_of_file_id.get(scope_id) if scope_id != 0 else None
            if scope_id != 0 and scope is None:
                self.losses["unknown-scopes"] += 1
            return (OTEL_KINDS[kind] if kind < len(OTEL_KINDS) else "unspecified", bytes(trace_id).hex(),
                    bytes(span_id).hex(), bytes(parent_id).hex(), flags & 0xFFFFFFFF, self.string(state), scope)
        if opcode == 0x91:  # typed attribute: a string value reads as `06`
            key = payload.uvar()
            if key is None:
                return None
            if payload.peek() == 1:
                payload.byte()
                string_id = payload.uvar()
                value = None if string_id is None else self.string(string_id)
            else:
                text = self.value(payload)
                value = None if text is None else Value(text)
            return None if value is None else (self.string(key), value)
        if opcode == 0x92:  # span event
            offset, name, dropped = payload.svar(), payload.uvar(), payload.uvar()
            attributes = None if None in (offset, name, dropped) else self.typed_attributes(payload)
            if attributes is None:
                return None
            time = wrap(self.state["time"] + offset)
            self.note_time(time)
            return (time, self.string(name), clamp32(dropped), attributes)
        if opcode == 0x93:  # span link
            trace_id, span_id = payload.raw(16), payload.raw(8)
            state, flags, dropped = payload.uvar(), payload.uvar(), payload.uvar()
            attributes = None if None in (trace_id, span_id, state, flags, dropped) else self.typed_attributes(payload)
            if attributes is None:
                return None
            return (bytes(trace_id).hex(), bytes(span_id).hex(), self.string(state), flags & 0xFFFFFFFF,
                    clamp32(dropped), attributes)
        code, message = payload.byte(), payload.uvar()  # span status
        dropped = [payload.uvar(), payload.uvar(), payload.uvar()]
        if None in [code, message] + dropped:
            return None
        return (OTEL_STATUSES[code] if code < len(OTEL_STATUSES) else "unset", self.string(message),
                *[clamp32(count) for count in dropped])

    @staticmethod
    def apply_fact(span, opcode, facts):
        if opcode == 0x90:
            span.identity = facts  # a later one replaces an earlier one
        elif opcode == 0x94:
            span.otel_status = facts
        elif opcode == 0x92:
            span.events.append(facts)
        else:
            span.links.append(facts)

    def begin(self, delta, name, kind, parent_reference, on_executor, inherits_task):
        state = self.state
        state["time"] = wrap(state["time"] + delta)
        span_id = state["next"]
        state["next"] = (state["next"] + 1) & ((1 << 64) - 1)
        parent_id = 0
        if parent_reference != 0:
            parent_id = (span_id - wrap((parent_reference >> 1) ^ -(parent_reference & 1))) & ((1 << 64) - 1)
        parent = self.by_id.get(parent_id) if parent_id else None
        if inherits_task and parent is not None:
            task = parent.task
        else:
            task = self.current_task()
        span = Span(len(self.spans), name, kind, state["time"], parent_id, task, state["thread"], on_executor)
        span.parent = parent
        if inherits_task and parent is None:
            self.inheriting.append((span, parent_id))
        self.spans.append(span)
        self.by_id[span_id] = span
        if span_id in self.pending_ends:
            self.end(span_id, *self.pending_ends.pop(span_id))
        for key, value in self.pending_attributes.pop(span_id, []):
            span.attributes.append((key, value))
        if self.pending_flags.pop(span_id, False):
            span.flags.add("instant")
        for opcode, facts in self.pending_facts.pop(span_id, []):
            self.apply_fact(span, opcode, facts)
        return span

    def end(self, span_id, time, status, cpu):
        span = self.by_id.get(span_id)
        if span is None:  # the end came before the begin
            self.pending_ends[span_id] = (time, status, cpu)
            return
        if span.ended:
            return
        span.ended, span.end, span.status = True, max(span.begin, time), status
        if cpu is not None:
            span.cpu = cpu

    def attach(self, span_id, key, value):
        span = self.by_id.get(span_id)
        if span is not None:
            span.attributes.append((key, value))
        else:
            self.pending_attributes.setdefault(span_id, []).append((key, value))

    # -- the end of the file -----------------------------------------------------------------

    def finish(self):
        for _ in range(64):  # inherited tasks, settled from parents read later
            unsettled = []
            waiting = {id(span) for span, _ in self.inheriting}
            for span, parent_id in self.inheriting:
                parent = self.by_id.get(parent_id)
                if parent is None:
                    continue
                if id(parent) in waiting:
                    unsettled.append((span, parent_id))
                else:
                    span.task = parent.task
            if len(unsettled) == len(self.inheriting):
                break
            self.inheriting = unsettled
        orphans = 0
        for span in self.spans:
            if span.parent_id and span.parent is None:
                span.parent = self.by_id.get(span.parent_id)
                if span.parent is None:
                    orphans += 1
        closing = 0 if self.latest is None else self.latest
        for span in self.spans:
            if not span.ended:
                span.end, span.status = max(span.begin, closing), "unfinished"
        self.losses["unresolved-ends"] = len(self.pending_ends)
        self.losses["orphans"] = orphans

    def sample_lines(self):
        """The sample lines, then the symbols of the stacks' addresses and the notes (section 8)."""
        lines = []
        for thread_id, time, task, job_start, letter, flags, cpu, run_queue, stack in self.samples:
            frames = "-" if stack is None else "[" + ",".join(f"{frame:#x}" for frame in stack) + "]"
            lines.append((thread_id, time, f"sample thread {thread_id} task {'-' if task is None else task} {time} "
                          f"{job_start} {quote(chr(letter))} {flags:#x} {cpu} {run_queue} stack {frames}"))
        lines = [line for _, _, line in sorted(lines, key=lambda item: (item[0], item[1], item[2].encode()))]
        for address in sorted(self.stack_addresses):
            for function, file, line, app in self.symbols.get(address, []):
                lines.append(f"symbol {address:#x} {quote(function)} {quote(file)} {line} {'app' if app else '-'}")
        lines += [f"symbols note {quote(note)}" for note in self.symbol_notes]
        return lines

    # -- the canonical text ------------------------------------------------------------------

    def canonical(self):
        name, pid, clock, unix = self.process
        lines = [f"process {quote(name)} pid {pid} clock {clock} unix {unix}",
                 f"finished {'yes' if self.saw_footer else 'no'}", f"dropped {self.dropped}"]
        if self.window:
            lines.append(f"window {self.window[0]} {self.window[1]} {quote(self.window[2])}")
        for thread_id in sorted(self.threads):
            thread_name, executor = self.threads[thread_id]
            lines.append(f"thread {thread_id} {quote(thread_name)} {'executor' if executor else '-'}")
        if self.job_capture:
            capturing, width, note = self.job_capture
            lines.append(f"jobs captured {width}" if capturing else f"jobs not-captured {quote(note)}")
        if self.watchdog:
            on, first, interval, signal, note = self.watchdog
            lines.append(f"watchdog {'on' if on else 'off'} {first} {interval} {signal} {quote(note)}")
        for base, start, end, build_id, size, time, path in self.images:
            lines.append(f"image {base:#x} {start:#x} {end:#x} {build_id or '-'} {size} {time} {quote(path)}")
        parents = dict(self.task_parents)
        for task_id, (_, enqueuer) in self.earliest_enqueue.items():  # a task's creator is its parent
            if task_id not in parents and enqueuer not in (0, task_id):
                self.task(enqueuer)
                parents[task_id] = enqueuer
        for task_id in sorted(self.tasks):
            parent = f" parent {parents[task_id]}" if task_id in parents else ""
            lines.append(f"task {task_id} {quote(self.tasks[task_id])}{parent}")
        for number, (schema, dropped, attributes) in enumerate(self.resources):
            lines.append(f"resource #{number} schema {quote(schema)} dropped {dropped}")
            lines += [f"  attr {quote(key)} {value}" for key, value in attributes]
        for number, (resource, name, version, schema, dropped, attributes) in enumerate(self.scopes):
            lines.append(f"scope #{number} resource {'-' if resource is None else f'#{resource}'} name {quote(name)} "
                         f"version {quote(version)} schema {quote(schema)} dropped {dropped}")
            lines += [f"  attr {quote(key)} {value}" for key, value in attributes]

        def flags(span):
            names = [flag for flag in ("onExecutor", "instant") if flag in span.flags]
            return ",".join(names) if names else "-"

        def key(span):
            attributes = "\x1f".join(f"{k}={sort_text(v)}" for k, v in span.attributes).encode("utf-8", "surrogatepass")
            return (span.begin, span.end, span.name.encode("utf-8", "surrogatepass"), KINDS.index(span.kind),
                    STATUSES.index(span.status), flags(span).encode(), -1 if span.cpu is None else span.cpu,
                    span.task, -1 if span.thread is None else span.thread, attributes, span.number)

        ordered = sorted(self.spans, key=key)
        number = {id(span): position for position, span in enumerate(ordered)}
        for position, span in enumerate(ordered):
            parent = f"#{number[id(span.parent)]}" if span.parent is not None else "-"
            thread = "-" if span.thread is None else span.thread
            cpu = "-" if span.cpu is None else span.cpu
            lines.append(f"span #{position} {span.begin} {span.end} {span.kind} {span.status} {flags(span)} {cpu} "
                         f"task {span.task} thread {thread} parent {parent} {quote(span.name)}")
            for attribute_key, value in span.attributes:
                lines.append(f"  attr {quote(attribute_key)} {value_text(value)}")
            lines += fact_lines(span)
        for task_id, thread, enqueued, started, ended in sorted(
                self.slices, key=lambda s: (s[3], s[0], -1 if s[1] is None else s[1])):
            lines.append(f"slice task {task_id} thread {'-' if thread is None else thread} {enqueued} {started} {ended}")
        lines += self.sample_lines()
        losses = [("damaged-records", self.losses["damaged-records"]), ("cut-off-at", self.cut_off_at or 0),
                  ("lost-events", self.losses["lost-events"] if self.lost_events_known else -1)]
        losses += [(kind, self.losses[kind]) for kind in ("undecodable", "unknown-records", "undecodable-extensions",
                                                           "missing-strings", "unresolved-ends", "orphans",
                                                           "missing-stacks", "unknown-scopes")]
        for kind, count in losses:
            if count != 0:
                lines.append(f"loss {kind} {'unknown' if count < 0 else count}")
        return "\n".join(lines) + "\n"


def fact_lines(span):
    """The identity, status, event and link lines of a span (section 8)."""
    lines = []
    if span.identity or span.otel_status:
        kind, trace_id, span_id, parent_id, flags, state, scope = span.identity or (
            "unspecified", "0" * 32, "0" * 16, "0" * 16, 0, "", None)
        lines.append(f"  identity {kind} {trace_id} {span_id} {parent_id} flags {flags:#x} state {quote(state)} "
                     f"scope {'-' if scope is None else f'#{scope}'}")
        code, message, attributes, events, links = span.otel_status or ("unset", "", 0, 0, 0)
        lines.append(f"  status {code} {quote(message)} dropped {attributes} {events} {links}")
    for time, name, dropped, attributes in span.events:
        lines.append(f"  event {time} {quote(name)} dropped {dropped}")
        lines += [f"    attr {quote(key)} {value}" for key, value in attributes]
    for trace_id, span_id, state, flags, dropped, attributes in span.links:
        lines.append(f"  link {trace_id} {span_id} state {quote(state)} flags {flags:#x} dropped {dropped}")
        lines += [f"    attr {quote(key)} {value}" for key, value in attributes]
    return lines


def quote(text):
    out = ['"']
    for character in text:
        if character == "\\":
            out.append("\\\\")
        elif character == '"':
            out.append('\\"')
        elif ord(character) < 0x20 or ord(character) == 0x7F:
            out.append("\\u{%X}" % ord(character))
        else:
            out.append(character)
    out.append('"')
    return "".join(out)


def main():
    if len(sys.argv) != 2:
        print("usage: lanes_reader.py FILE", file=sys.stderr)
        return 2
    with open(sys.argv[1], "rb") as handle:
        data = handle.read()
    if len(data) < len(MAGIC) + 2 or not data.startswith(MAGIC):
        print(f"lanes_reader.py: {sys.argv[1]}: not a .lanes file", file=sys.stderr)
        return 3
    version = struct.unpack_from("<H", data, len(MAGIC))[0]
    if version != 1:
        print(f"lanes_reader.py: {sys.argv[1]}: format version {version} is not supported", file=sys.stderr)
        return 3
    reader = Reader(data)
    reader.read()
    reader.finish()
    sys.stdout.write(reader.canonical())
    return 0


if __name__ == "__main__":
    sys.exit(main())
