package parser

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
)

// MarshalArgs writes values as one JSON array, the payload of an EVENT or ACK. Every []byte
// found in it — an argument, a slice or map element, a struct field — becomes a placeholder and
// is returned as an attachment, so Go bytes reach a JavaScript peer as binary, not base64.
// json.RawMessage is written as is. Values whose type cannot hold a []byte (the common case) are
// written by encoding/json unchanged; the walk only visits types that can hold bytes, and for
// struct fields it honours the json tag's name, "-", omitempty and omitzero.
func MarshalArgs(values ...any) (json.RawMessage, [][]byte, error) {
	if len(values) > 0 && !slices.ContainsFunc(values, needsWalk) {
		// The common case, no bytes anywhere: one call to encoding/json for the whole array.
		data, err := json.Marshal(values)
		if err != nil {
			return nil, nil, fmt.Errorf("socket.io parser: marshal arguments: %w", err)
		}
		return data, nil, nil
	}
	w := binaryWriter{buf: make([]byte, 0, 64)}
	w.buf = append(w.buf, '[')
	for i, v := range values {
		if i > 0 {
			w.buf = append(w.buf, ',')
		}
		if err := w.value(reflect.ValueOf(v)); err != nil {
			return nil, nil, err
		}
	}
	w.buf = append(w.buf, ']')
	return w.buf, w.attachments, nil
}

// needsWalk reports whether v may hold a []byte, looking into the dynamic values of []any and
// map[string]any (what decoded or hand-built JSON trees are made of) rather than only at types,
// since their static type says "may hold anything". An empty json.RawMessage needs the walk too:
// the walk writes it as null where encoding/json fails.
func needsWalk(v any) bool {
	switch v := v.(type) {
	case nil, string, bool, float64, int:
		return false
	case json.RawMessage:
		return len(v) == 0
	case []any:
		return slices.ContainsFunc(v, needsWalk)
	case map[string]any:
		for _, e := range v {
			if needsWalk(e) {
				return true
			}
		}
		return false
	}
	return mayHoldBytes(reflect.TypeOf(v))
}

type binaryWriter struct {
	buf         []byte
	attachments [][]byte
}

var (
	bytesType     = reflect.TypeFor[[]byte]()
	rawType       = reflect.TypeFor[json.RawMessage]()
	marshalerType = reflect.TypeFor[json.Marshaler]()
)

func (w *binaryWriter) value(v reflect.Value) error {
	if !v.IsValid() {
		w.buf = append(w.buf, "null"...)
		return nil
	}
	t := v.Type()
	switch {
	case t == rawType:
		raw := v.Bytes()
		if len(raw) == 0 {
			raw = []byte("null")
		}
		w.buf = append(w.buf, raw...)
		return nil
	case t.Kind() == reflect.Slice && t.Elem().Kind() == reflect.Uint8 && !t.Implements(marshalerType):
		if v.IsNil() {
			w.buf = append(w.buf, "null"...)
			return nil
		}
		w.buf = append(w.buf, `{"_placeholder":true,"num":`...)
		w.buf = strconv.AppendInt(w.buf, int64(len(w.attachments)), 10)
		w.buf = append(w.buf, '}')
		w.attachments = append(w.attachments, v.Bytes())
		return nil
	case !mayHoldBytes(t):
		b, err := json.Marshal(v.Interface())
		if err != nil {
			return fmt.Errorf("socket.io parser: marshal argument: %w", err)
		}
		w.buf = append(w.buf, b...)
		return nil
	}
	switch t.Kind() {
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			w.buf = append(w.buf, "null"...)
			return nil
		}
		return w.value(v.Elem())
	case reflect.Slice, reflect.Array:
		if t.Kind() == reflect.Slice && v.IsNil() {
			w.buf = append(w.buf, "null"...)
			return nil
		}
		w.buf = append(w.buf, '[')
		for i := range v.Len() {
			if i > 0 {
				w.buf = append(w.buf, ',')
			}
			if err := w.value(v.Index(i)); err != nil {
				return err
			}
		}
		w.buf = append(w.buf, ']')
		return nil
	case reflect.Map:
		return w.mapValue(v)
	case reflect.Struct:
		return w.structValue(v)
	}
	return fmt.Errorf("socket.io parser: cannot marshal %s", t)
}

func (w *binaryWriter) mapValue(v reflect.Value) error {
	if v.IsNil() {
		w.buf = append(w.buf, "null"...)
		return nil
	}
	if v.Type().Key().Kind() != reflect.String {
		return fmt.Errorf("socket.io parser: map key type %s holding bytes is not supported", v.Type().Key())
	}
	keys := v.MapKeys()
	slices.SortFunc(keys, func(a, b reflect.Value) int { return strings.Compare(a.String(), b.String()) })
	w.buf = append(w.buf, '{')
	for i, k := range keys {
		if i > 0 {
			w.buf = append(w.buf, ',')
		}
		w.buf = strconv.AppendQuote(w.buf, k.String())
		w.buf = append(w.buf, ':')
		if err := w.value(v.MapIndex(k)); err != nil {
			return err
		}
	}
	w.buf = append(w.buf, '}')
	return nil
}

func (w *binaryWriter) structValue(v reflect.Value) error {
	w.buf = append(w.buf, '{')
	first := true
	for _, f := range fieldsOf(v.Type()) {
		fv := v.FieldByIndex(f.index)
		if (f.omitEmpty && isEmptyJSON(fv)) || (f.omitZero && fv.IsZero()) {
			continue
		}
		if !first {
			w.buf = append(w.buf, ',')
		}
		first = false
		name, _ := json.Marshal(f.name)
		w.buf = append(w.buf, name...)
		w.buf = append(w.buf, ':')
		if err := w.value(fv); err != nil {
			return err
		}
	}
	w.buf = append(w.buf, '}')
	return nil
}

type jsonField struct {
	name      string
	index     []int
	omitEmpty bool
	omitZero  bool
}

// isEmptyJSON is encoding/json's test for omitempty, which is not reflect's IsZero: an empty
// but non-nil slice or map is omitted, a zero struct is not.
func isEmptyJSON(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.Array, reflect.Map, reflect.Slice, reflect.String:
		return v.Len() == 0
	case reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr,
		reflect.Float32, reflect.Float64, reflect.Interface, reflect.Pointer:
		return v.IsZero()
	}
	return false
}

var fieldCache sync.Map // reflect.Type -> []jsonField

// fieldsOf lists the exported fields encoding/json would write, with their JSON names.
// Embedded structs without a tag are not flattened; give them a tag or avoid them in
// payloads that carry bytes.
func fieldsOf(t reflect.Type) []jsonField {
	if cached, ok := fieldCache.Load(t); ok {
		return cached.([]jsonField)
	}
	var fields []jsonField
	for i := range t.NumField() {
		sf := t.Field(i)
		if !sf.IsExported() {
			continue
		}
		tag := sf.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		if name == "" {
			name = sf.Name
		}
		f := jsonField{name: name, index: sf.Index}
		for opt := range strings.SplitSeq(opts, ",") {
			f.omitEmpty = f.omitEmpty || opt == "omitempty"
			f.omitZero = f.omitZero || opt == "omitzero"
		}
		fields = append(fields, f)
	}
	fieldCache.Store(t, fields)
	return fields
}

var holdsBytesCache sync.Map // reflect.Type -> bool

// mayHoldBytes reports whether a value of type t can contain a []byte that must become an
// attachment. Interfaces may hold anything, so they count as yes.
func mayHoldBytes(t reflect.Type) bool {
	if cached, ok := holdsBytesCache.Load(t); ok {
		return cached.(bool)
	}
	holds := holdsBytes(t, map[reflect.Type]bool{})
	holdsBytesCache.Store(t, holds)
	return holds
}

func holdsBytes(t reflect.Type, seen map[reflect.Type]bool) bool {
	if seen[t] {
		return false
	}
	seen[t] = true
	if t == rawType || t.Implements(marshalerType) || reflect.PointerTo(t).Implements(marshalerType) {
		return false
	}
	switch t.Kind() {
	case reflect.Interface:
		return true
	case reflect.Slice:
		return t.Elem().Kind() == reflect.Uint8 || holdsBytes(t.Elem(), seen)
	case reflect.Array, reflect.Pointer, reflect.Map:
		return holdsBytes(t.Elem(), seen)
	case reflect.Struct:
		for i := range t.NumField() {
			if f := t.Field(i); f.IsExported() && holdsBytes(f.Type, seen) {
				return true
			}
		}
	}
	return false
}

// reconstruct puts the attachments of a complete binary packet into its payload, in place of
// their placeholders, as base64 JSON strings.
//
// Each attachment may stand in for one placeholder only. The reference parser accepts a num
// used twice, since there every placeholder becomes a reference to the same Buffer; here each
// one becomes a base64 copy, so a 64 KiB text of placeholders naming one 64 KiB attachment
// would decode to some 190 MB. No official client repeats a num (each binary value it finds
// gets the next one), so refusing a repeat costs them nothing, and it bounds what a packet
// decodes to: its text (re-encoded, at most 6 bytes a byte) plus each attachment once, in
// base64.
func reconstruct(p *Packet) error {
	data, ok, err := replaceCanonicalPlaceholders(p.Data, p.Attachments)
	if err != nil {
		return err
	}
	if ok {
		p.Data = data
		return nil
	}
	return reconstructTree(p)
}

var canonicalPlaceholder = []byte(`{"_placeholder":true,"num":`)

// replaceCanonicalPlaceholders is the fast path for placeholders written exactly as the
// official clients write them. It reports false when anything else is found (an out-of-range
// num, other spacing or key order), leaving the decision to the full JSON walk; a num used
// twice is an error at once, before anything is expanded.
func replaceCanonicalPlaceholders(data []byte, attachments [][]byte) ([]byte, bool, error) {
	used := make([]bool, len(attachments))
	out := make([]byte, 0, len(data)+2*len(attachments)+base64Len(attachments))
	rest := data
	for {
		i := bytes.Index(rest, canonicalPlaceholder)
		if i < 0 {
			break
		}
		out = append(out, rest[:i]...)
		rest = rest[i+len(canonicalPlaceholder):]
		end := bytes.IndexByte(rest, '}')
		if end <= 0 || end > 3 {
			return nil, false, nil
		}
		num, err := strconv.Atoi(string(rest[:end]))
		if err != nil || num < 0 || num >= len(attachments) || rest[0] == '+' || rest[0] == '-' {
			return nil, false, nil
		}
		if used[num] {
			return nil, false, fmt.Errorf("%w: placeholder num %d used twice", ErrIllegalAttachments, num)
		}
		used[num] = true
		out = append(out, '"')
		out = base64.StdEncoding.AppendEncode(out, attachments[num])
		out = append(out, '"')
		rest = rest[end+1:]
	}
	out = append(out, rest...)
	if bytes.Contains(out, []byte(`"_placeholder"`)) {
		return nil, false, nil
	}
	return out, true, nil
}

func base64Len(attachments [][]byte) int {
	n := 0
	for _, a := range attachments {
		n += base64.StdEncoding.EncodedLen(len(a))
	}
	return n
}

// reconstructTree replaces placeholders written in any valid JSON form. Numbers stay
// json.Number so that the rewrite does not round them; the []byte the placeholders become are
// written back by encoding/json as base64 strings, so here too each attachment may be named
// once (see reconstruct).
func reconstructTree(p *Packet) error {
	var tree any
	dec := json.NewDecoder(bytes.NewReader(p.Data))
	dec.UseNumber()
	if err := dec.Decode(&tree); err != nil {
		return fmt.Errorf("binary payload: %w", err)
	}
	tree, err := resolvePlaceholders(tree, p.Attachments, make([]bool, len(p.Attachments)))
	if err != nil {
		return err
	}
	data, err := json.Marshal(tree)
	if err != nil {
		return fmt.Errorf("binary payload: %w", err)
	}
	p.Data = data
	return nil
}

// ErrIllegalAttachments is wrapped when a placeholder names an attachment the packet does not
// have, or, where the decoder expands placeholders, one that another placeholder already named.
var ErrIllegalAttachments = errors.New("socket.io parser: illegal attachments")

// ResolvePlaceholders replaces, anywhere in a JSON tree decoded by encoding/json (with or
// without UseNumber), every placeholder object by the attachment it stands for, as []byte.
// Slices and maps are changed in place. A placeholder whose num is not the index of an
// attachment is an error, as in the reference parser. Two placeholders may name the same
// attachment, as there too: they get the same slice, not a copy each.
func ResolvePlaceholders(tree any, attachments [][]byte) (any, error) {
	return resolvePlaceholders(tree, attachments, nil)
}

// resolvePlaceholders is ResolvePlaceholders; with used (one flag per attachment) a num
// named twice is an error.
func resolvePlaceholders(tree any, attachments [][]byte, used []bool) (any, error) {
	var err error
	switch n := tree.(type) {
	case []any:
		for i := range n {
			if n[i], err = resolvePlaceholders(n[i], attachments, used); err != nil {
				return nil, err
			}
		}
	case map[string]any:
		if n["_placeholder"] == true {
			i, ok := attachmentIndex(n["num"], len(attachments))
			if !ok {
				return nil, fmt.Errorf("%w: placeholder num %v", ErrIllegalAttachments, n["num"])
			}
			if used != nil {
				if used[i] {
					return nil, fmt.Errorf("%w: placeholder num %d used twice", ErrIllegalAttachments, i)
				}
				used[i] = true
			}
			return attachments[i], nil
		}
		for k, v := range n {
			if n[k], err = resolvePlaceholders(v, attachments, used); err != nil {
				return nil, err
			}
		}
	}
	return tree, nil
}

// attachmentIndex reads a placeholder's num, decoded as json.Number or float64.
func attachmentIndex(num any, count int) (int, bool) {
	var i int
	switch num := num.(type) {
	case json.Number:
		n, err := strconv.Atoi(string(num))
		if err != nil {
			return 0, false
		}
		i = n
	case float64:
		if num != float64(int(num)) {
			return 0, false
		}
		i = int(num)
	default:
		return 0, false
	}
	return i, i >= 0 && i < count
}
