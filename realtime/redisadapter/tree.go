package redisadapter

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
	"time"

	"github.com/vmihailenco/msgpack/v5"
	"github.com/vmihailenco/msgpack/v5/msgpcode"
)

// Values cross Redis as MessagePack trees, the form the reference's notepack.io writes and reads:
// maps with string keys, arrays, strings, numbers, booleans, nil and binary (a Node Buffer). The
// Go side of a tree uses map[string]any, []any, string, int64, uint64, float64, bool, nil and
// []byte, which is what parser.MarshalArgs writes as JSON with binary attachments, so a tree
// read from Redis becomes a Socket.IO packet without a detour.

// maxDepth bounds how deeply a tree read from Redis may nest. Nothing the reference sends comes
// near it; a hostile message nested deeper is refused instead of exhausting the stack.
const maxDepth = 64

var (
	errTooDeep   = errors.New("redisadapter: message nested too deeply")
	errTruncated = errors.New("redisadapter: message shorter than it says")
)

// treeReader reads trees from one message. Strings, binary and extensions are read here
// rather than by the library's helpers, which allocate whatever length the message declares:
// a length is checked against the bytes that are left first, so a short hostile message
// cannot make us allocate gigabytes.
type treeReader struct {
	r *bytes.Reader
	d *msgpack.Decoder
}

func newTreeReader(msg []byte) *treeReader {
	r := bytes.NewReader(msg)
	return &treeReader{r: r, d: msgpack.NewDecoder(r)} // a bytes.Reader is read without buffering
}

// value decodes one value of any shape.
func (t *treeReader) value(depth int) (any, error) {
	if depth > maxDepth {
		return nil, errTooDeep
	}
	c, err := t.d.PeekCode()
	if err != nil {
		return nil, err
	}
	switch {
	case msgpcode.IsFixedMap(c) || c == msgpcode.Map16 || c == msgpcode.Map32:
		return t.object(depth)
	case msgpcode.IsFixedArray(c) || c == msgpcode.Array16 || c == msgpcode.Array32:
		n, err := t.d.DecodeArrayLen()
		if err != nil {
			return nil, err
		}
		list := make([]any, 0, min(max(n, 0), t.r.Len()))
		for range n {
			v, err := t.value(depth + 1)
			if err != nil {
				return nil, err
			}
			list = append(list, v)
		}
		return list, nil
	case msgpcode.IsString(c):
		b, err := t.bytes()
		return string(b), err
	case msgpcode.IsBin(c):
		return t.bytes() // an empty Buffer stays binary: []byte{}, not nil
	case msgpcode.IsExt(c):
		return t.ext()
	case c == msgpcode.Float || c == msgpcode.Double:
		f, err := t.d.DecodeFloat64()
		if err != nil {
			return nil, err
		}
		if math.IsNaN(f) || math.IsInf(f, 0) {
			return nil, nil // what JSON.stringify makes of them
		}
		return f, nil
	}
	return t.d.DecodeInterfaceLoose() // nil, booleans and integers
}

// bytes reads a string's or a binary's content.
func (t *treeReader) bytes() ([]byte, error) {
	n, err := t.d.DecodeBytesLen()
	if err != nil {
		return nil, err
	}
	return t.take(max(n, 0))
}

// take reads the next n bytes of the message.
func (t *treeReader) take(n int) ([]byte, error) {
	if n > t.r.Len() {
		return nil, errTruncated
	}
	b := make([]byte, n)
	if err := t.d.ReadFull(b); err != nil {
		return nil, err
	}
	return b, nil
}

// ext reads an extension value: a timestamp (notepack's Date) becomes its JSON text, as
// Date.toJSON would have sent it; any other extension becomes nil.
func (t *treeReader) ext() (any, error) {
	id, n, err := t.d.DecodeExtHeader()
	if err != nil {
		return nil, err
	}
	b, err := t.take(n)
	if err != nil || id != -1 {
		return nil, err
	}
	var sec, nsec int64
	switch len(b) {
	case 4:
		sec = int64(binary.BigEndian.Uint32(b))
	case 8:
		v := binary.BigEndian.Uint64(b)
		sec, nsec = int64(v&(1<<34-1)), int64(v>>34)
	case 12:
		nsec, sec = int64(binary.BigEndian.Uint32(b)), int64(binary.BigEndian.Uint64(b[4:]))
	default:
		return nil, nil
	}
	return time.Unix(sec, nsec).UTC().Format("2006-01-02T15:04:05.000Z"), nil
}

// object reads a map whose keys are strings (numbers are named as JavaScript would).
func (t *treeReader) object(depth int) (map[string]any, error) {
	if depth > maxDepth {
		return nil, errTooDeep
	}
	n, err := t.d.DecodeMapLen()
	if err != nil {
		return nil, err
	}
	m := make(map[string]any, min(max(n, 0), t.r.Len()/2))
	for range n {
		k, err := t.value(depth + 1)
		if err != nil {
			return nil, err
		}
		key, ok := keyString(k)
		if !ok {
			return nil, fmt.Errorf("redisadapter: map key of type %T", k)
		}
		v, err := t.value(depth + 1)
		if err != nil {
			return nil, err
		}
		m[key] = v
	}
	return m, nil
}

// keyString names a room or a map key that arrived as a string or, from JavaScript, a number.
func keyString(v any) (string, bool) {
	switch v := v.(type) {
	case string:
		return v, true
	case int64:
		return strconv.FormatInt(v, 10), true
	case uint64:
		return strconv.FormatUint(v, 10), true
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64), true
	}
	return "", false
}

// writeTree encodes a tree made of what treeReader.value returns, of what encoding/json decodes with
// UseNumber (json.Number), and of the []byte that parser.ResolvePlaceholders puts in.
func writeTree(e *msgpack.Encoder, v any) error {
	switch v := v.(type) {
	case nil:
		return e.EncodeNil()
	case bool:
		return e.EncodeBool(v)
	case string:
		return e.EncodeString(v)
	case []byte:
		return e.EncodeBytes(v)
	case int:
		return e.EncodeInt(int64(v))
	case int64:
		return e.EncodeInt(v)
	case uint64:
		return e.EncodeUint(v)
	case float64:
		return writeFloat(e, v)
	case json.Number:
		if i, err := strconv.ParseInt(string(v), 10, 64); err == nil {
			return e.EncodeInt(i)
		}
		f, err := strconv.ParseFloat(string(v), 64)
		if err != nil {
			return fmt.Errorf("redisadapter: number %q: %w", v, err)
		}
		return writeFloat(e, f)
	case []any:
		if err := e.EncodeArrayLen(len(v)); err != nil {
			return err
		}
		for _, item := range v {
			if err := writeTree(e, item); err != nil {
				return err
			}
		}
		return nil
	case []string:
		if err := e.EncodeArrayLen(len(v)); err != nil {
			return err
		}
		for _, s := range v {
			if err := e.EncodeString(s); err != nil {
				return err
			}
		}
		return nil
	case map[string]any:
		if err := e.EncodeMapLen(len(v)); err != nil {
			return err
		}
		for k, item := range v {
			if err := e.EncodeString(k); err != nil {
				return err
			}
			if err := writeTree(e, item); err != nil {
				return err
			}
		}
		return nil
	case time.Time:
		return e.EncodeString(v.UTC().Format(time.RFC3339Nano))
	}
	return fmt.Errorf("redisadapter: cannot write %T", v)
}

// writeFloat writes a whole number as an integer, as notepack does, so JavaScript reads the
// same number either way and Go readers see an integer where there was one.
func writeFloat(e *msgpack.Encoder, f float64) error {
	if f == math.Trunc(f) && math.Abs(f) < 1<<53 {
		return e.EncodeInt(int64(f))
	}
	return e.EncodeFloat64(f)
}
