#include "jobfile/yaml_job_fields.hpp"

#include "jobfile/job_fields.hpp"
#include "jobfile/yaml_node.hpp"
#include "util/rfc3339.hpp"

namespace oneall::jobfile {
namespace {

constexpr const char* kJobKeys =
    "op, target, identity, page_id, object_id, set, not_before, expires_at";
constexpr const char* kSetKeys = "board, description, link, message, attachments";

// Where a value sits. An empty value (`page_id:`) is marked where the next token starts, which
// can be the next line, so its key's place is used instead.
SourcePos value_pos(const DiagnosticList& out, const YamlNode& key, const YamlNode& value) {
  SourcePos pos = position(out, value.node_mark());
  return pos.line != 0 && !value.is_null() ? pos : position(out, key.node_mark());
}

// A single value as its text. Unquoted numbers (`object_id: 1456789`) are taken as written,
// so long ids keep every digit and "007" keeps its zeros.
std::optional<std::string> read_text(const YamlNode& value, const SourcePos& pos,
                                     const std::string& field, DiagnosticList& out) {
  if (value.is_scalar()) return value.scalar();
  out.add(pos, field,
          value.is_null() ? "has no value (give one, or leave the key out)"
                          : "must be a single value, not " + describe(value));
  return std::nullopt;
}

// Each id is checked here, where its own line and column are known. The scalar's text is what
// counts, quoted or not: `101` and "101" are the same id, and `0202` is refused rather than
// guessed at (octal to YAML 1.1, decimal to YAML 1.2).
std::optional<std::vector<api::PictureId>> read_ids(const YamlNode& value, const SourcePos& pos,
                                                    const std::string& field, DiagnosticList& out) {
  if (!value.is_sequence()) {
    out.add(pos, field, "must be a list of picture ids, not " + describe(value));
    return std::nullopt;
  }
  std::vector<api::PictureId> ids;
  bool ok = true;
  for (std::size_t i = 0; i < value.size(); ++i) {
    const YamlNode& item = value.item(i);
    const SourcePos mark = position(out, item.node_mark());
    const SourcePos& item_pos = mark.line != 0 ? mark : pos;
    const std::string item_field = field + "[" + std::to_string(i) + "]";
    std::optional<std::string> text = read_text(item, item_pos, item_field, out);
    if (!text) {
      ok = false;
      continue;
    }
    Result<api::PictureId> id = api::PictureId::parse(*text);
    if (id) {
      ids.push_back(*id);
    } else {
      out.add(item_pos, item_field, id.error().message);
      ok = false;
    }
  }
  if (!ok) return std::nullopt;
  return ids;
}

std::optional<SetSpec> read_set(const YamlNode& value, const SourcePos& pos,
                                const std::string& field, DiagnosticList& out) {
  if (!value.is_map()) {
    out.add(pos, field,
            std::string("must be a map of the fields to change (") + kSetKeys + "), not " +
                describe(value));
    return std::nullopt;
  }
  SetSpec set;
  bool ok = true;
  const bool keys_ok = for_each_entry(
      value, field + ".", out,
      [&](const std::string& key, const YamlNode& key_node, const YamlNode& item) {
        const std::string name = field + "." + key;
        const SourcePos item_pos = value_pos(out, key_node, item);
        api::UpdateFields& fields = set.fields;
        std::optional<std::string>* text_field = key == "board"         ? &fields.board
                                                 : key == "description" ? &fields.description
                                                 : key == "link"        ? &fields.link
                                                 : key == "message"     ? &fields.message
                                                                        : nullptr;
        if (text_field != nullptr) {
          *text_field = read_text(item, item_pos, name, out);
          ok = ok && text_field->has_value();
        } else if (key == "attachments") {
          fields.attachments = read_ids(item, item_pos, name, out);
          ok = ok && fields.attachments.has_value();
        } else {
          out.add(position(out, key_node.node_mark()), name,
                  std::string("unknown key (expected one of ") + kSetKeys + ")");
          ok = false;
          return;
        }
        // Field names as api::validate() reports them, so its problems land on the right line.
        set.field_pos[std::string("set.") + key] = item_pos;
      });
  if (!ok || !keys_ok) return std::nullopt;
  return set;
}

// `not_before: 2026-12-31T23:00:00Z`: YAML would take an unquoted timestamp for a scalar
// like any other, so its text is read as written and held to RFC 3339.
std::optional<EpochMs> read_time(const YamlNode& value, const SourcePos& pos,
                                 const std::string& field, DiagnosticList& out) {
  std::optional<std::string> text = read_text(value, pos, field, out);
  if (!text) return std::nullopt;
  Result<EpochMs> time = parse_rfc3339(*text);
  if (time) return *time;
  out.add(pos, field, time.error().message);
  return std::nullopt;
}

template <class T, class Read>
void fill(Slot<T>& slot, const SourcePos& pos, Read&& read) {
  slot.present = true;
  slot.pos = pos;
  slot.value = read();
}

}  // namespace

YamlJobFields read_job_fields(const YamlNode& map, const std::string& prefix, DiagnosticList& out) {
  YamlJobFields job;
  const std::size_t problems_before = out.count();
  for_each_entry(map, prefix, out,
                 [&](const std::string& key, const YamlNode& key_node, const YamlNode& value) {
                   const std::string field = prefix + key;
                   const SourcePos pos = value_pos(out, key_node, value);
                   if (key == "op") {
                     fill(job.op, pos, [&]() -> std::optional<api::Op> {
                       auto text = read_text(value, pos, field, out);
                       if (!text) return std::nullopt;
                       auto op = parse_op_name(*text);
                       if (op) return *op;
                       out.add(pos, field, op.error().message);
                       return std::nullopt;
                     });
                   } else if (key == "target") {
                     fill(job.target, pos, [&]() -> std::optional<api::Target> {
                       auto text = read_text(value, pos, field, out);
                       if (!text) return std::nullopt;
                       auto target = parse_target_name(*text);
                       if (target) return *target;
                       out.add(pos, field, target.error().message);
                       return std::nullopt;
                     });
                   } else if (key == "identity" || key == "page_id" || key == "object_id") {
                     Slot<std::string>& slot = key == "identity"  ? job.identity
                                               : key == "page_id" ? job.page_id
                                                                  : job.object_id;
                     fill(slot, pos, [&] { return read_text(value, pos, field, out); });
                   } else if (key == "not_before" || key == "expires_at") {
                     Slot<EpochMs>& slot = key == "not_before" ? job.not_before : job.expires_at;
                     fill(slot, pos, [&] { return read_time(value, pos, field, out); });
                   } else if (key == "set") {
                     fill(job.set, pos, [&] { return read_set(value, pos, field, out); });
                   } else {
                     out.add(position(out, key_node.node_mark()), field,
                             std::string("unknown key (expected one of ") + kJobKeys + ")");
                   }
                 });
  job.clean = out.count() == problems_before;
  return job;
}

}  // namespace oneall::jobfile
