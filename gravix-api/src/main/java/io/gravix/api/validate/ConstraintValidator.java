package io.gravix.api.validate;

import static java.util.Objects.requireNonNull;

import build.buf.validate.DoubleRules;
import build.buf.validate.EnumRules;
import build.buf.validate.FieldRules;
import build.buf.validate.Ignore;
import build.buf.validate.MapRules;
import build.buf.validate.StringRules;
import build.buf.validate.UInt32Rules;
import build.buf.validate.ValidateProto;
import com.google.protobuf.DescriptorProtos.FieldOptions;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.ExtensionRegistry;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MapEntry;
import com.google.protobuf.Message;
import java.util.ArrayList;
import java.util.HashSet;
import java.lang.reflect.Method;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Enforces the {@code buf.validate} field constraints declared in a message's
 * {@code .proto} file, compiled once into plain Java checks.
 *
 * <p>Why not protovalidate's engine: it evaluates CEL and was measured several
 * times slower on the ingest hot path (see bench/README.md). The rules are
 * still read from the same annotations, so the {@code .proto} stays the single
 * source of truth; a rule this class does not know makes construction fail, so
 * the contract cannot silently outgrow the validator. A test checks that both
 * engines flag the same fields on thousands of generated events.
 *
 * <p>Supported: {@code required}, {@code ignore = IGNORE_IF_ZERO_VALUE};
 * string {@code min_len, max_len, pattern, prefix, in}; uint32 {@code gte, lte};
 * double {@code finite, gte, lte}; enum {@code defined_only}; map
 * {@code max_pairs} with string {@code keys}/{@code values} rules. Semantics
 * follow protovalidate: lengths count Unicode code points, patterns are
 * unanchored searches (anchor them in the pattern), rules on a field with
 * presence apply only when it is set. Thread-safe.
 */
public final class ConstraintValidator {
    private final List<FieldCheck> checks;

    private ConstraintValidator(List<FieldCheck> checks) {
        this.checks = List.copyOf(checks);
    }

    /** Compiles the constraints of every field of {@code type}; fails on a rule it cannot enforce. */
    public static ConstraintValidator forType(Descriptor type) {
        requireNonNull(type, "type is null");
        List<FieldCheck> checks = new ArrayList<>();
        for (FieldDescriptor field : type.getFields()) {
            FieldRules rules = rulesOf(field);
            if (rules != null) {
                checks.add(compile(field, rules));
            }
        }
        return new ConstraintValidator(checks);
    }

    /** Appends every violation found in {@code message} to {@code out}. */
    public void validate(Message message, List<Violation> out) {
        for (FieldCheck check : checks) {
            check.validate(message, out);
        }
    }

    private static FieldRules rulesOf(FieldDescriptor field) {
        FieldOptions options = field.getOptions();
        if (!options.hasExtension(ValidateProto.field) && options.getUnknownFields().hasField(1159)) {
            // Options parsed before the extension was known: parse them again with it.
            ExtensionRegistry registry = ExtensionRegistry.newInstance();
            ValidateProto.registerAllExtensions(registry);
            try {
                options = FieldOptions.parseFrom(options.toByteString(), registry);
            } catch (InvalidProtocolBufferException e) {
                throw new IllegalStateException("cannot read buf.validate options of " + field.getFullName(), e);
            }
        }
        return options.hasExtension(ValidateProto.field) ? options.getExtension(ValidateProto.field) : null;
    }

    private static FieldCheck compile(FieldDescriptor field, FieldRules rules) {
        allowOnly(field, rules, "required", "ignore", "string", "uint32", "double", "enum", "map");
        if (rules.hasIgnore() && rules.getIgnore() != Ignore.IGNORE_IF_ZERO_VALUE && rules.getIgnore() != Ignore.IGNORE_UNSPECIFIED) {
            throw unsupported(field, "ignore = " + rules.getIgnore());
        }
        ValueCheck value;
        switch (rules.getTypeCase()) {
            case STRING:
                value = stringCheck(field, rules.getString(), "value");
                break;
            case UINT32:
                value = uint32Check(field, rules.getUint32());
                break;
            case DOUBLE:
                value = doubleCheck(field, rules.getDouble());
                break;
            case ENUM:
                value = enumCheck(field, rules.getEnum());
                break;
            case MAP:
                return new MapCheck(field, rules.getRequired(), rules.getMap());
            case TYPE_NOT_SET:
                value = null;
                break;
            default:
                throw unsupported(field, rules.getTypeCase().name());
        }
        return new ScalarCheck(field, rules.getRequired(), rules.getIgnore() == Ignore.IGNORE_IF_ZERO_VALUE, value);
    }

    private static void allowOnly(FieldDescriptor field, Message rules, String... allowed) {
        Set<String> ok = Set.of(allowed);
        for (FieldDescriptor set : rules.getAllFields().keySet()) {
            if (!ok.contains(set.getName())) {
                throw unsupported(field, set.getName());
            }
        }
    }

    private static IllegalStateException unsupported(FieldDescriptor field, String rule) {
        return new IllegalStateException("buf.validate rule '" + rule + "' on " + field.getFullName()
                + " is not supported by " + ConstraintValidator.class.getSimpleName() + "; add it there");
    }

    /** Checks one non-null value; returns the violation message or null. */
    @FunctionalInterface
    private interface ValueCheck {
        String check(Object value);
    }

    private interface FieldCheck {
        void validate(Message message, List<Violation> out);
    }

    private static ValueCheck stringCheck(FieldDescriptor field, StringRules r, String subject) {
        allowOnly(field, r, "min_len", "max_len", "pattern", "prefix", "in");
        long minLen = r.hasMinLen() ? r.getMinLen() : -1;
        long maxLen = r.hasMaxLen() ? r.getMaxLen() : -1;
        java.util.function.Predicate<String> pattern = r.hasPattern() ? compilePattern(r.getPattern()) : null;
        String patternText = r.getPattern();
        String prefix = r.hasPrefix() ? r.getPrefix() : null;
        Set<String> in = r.getInCount() > 0 ? new HashSet<>(r.getInList()) : null;
        String inText = r.getInList().stream().collect(Collectors.joining(", ", "[", "]"));
        return v -> {
            String s = (String) v;
            if (minLen >= 0 || maxLen >= 0) {
                // Code points: the UTF-16 length is an upper bound, so skip the count when it cannot matter.
                int n = s.length();
                if ((minLen >= 0 && n < minLen * 2) || (maxLen >= 0 && n > maxLen)) {
                    n = s.codePointCount(0, s.length());
                }
                if (minLen >= 0 && n < minLen) {
                    return subject + " length must be at least " + minLen + " characters";
                }
                if (maxLen >= 0 && n > maxLen) {
                    return subject + " length must be at most " + maxLen + " characters";
                }
            }
            if (prefix != null && !s.startsWith(prefix)) {
                return subject + " does not have prefix `" + prefix + "`";
            }
            if (pattern != null && !pattern.test(s)) {
                return subject + " does not match regex pattern `" + patternText + "`";
            }
            if (in != null && !in.contains(s)) {
                return subject + " must be in list " + inText;
            }
            return null;
        };
    }

    /** protovalidate's {@code matches} is an unanchored RE2 search; anchored char-class patterns get a faster matcher. */
    private static java.util.function.Predicate<String> compilePattern(String regex) {
        CharClassPattern fast = CharClassPattern.tryCompile(regex);
        if (fast != null) {
            return fast;
        }
        Pattern pattern = Pattern.compile(javaRegex(regex));
        return s -> pattern.matcher(s).find();
    }

    /**
     * Translates a protovalidate (RE2) pattern into a java.util.regex one with the same meaning.
     * Outside character classes, RE2's {@code $} matches only at the end of the text, while
     * Java's also matches before a final line terminator ("abc\n" would pass {@code ^[a-z]+$});
     * and RE2's {@code .} excludes only \n, Java's every line terminator. Both are rewritten.
     */
    static String javaRegex(String re2) {
        StringBuilder b = new StringBuilder(re2.length() + 4);
        boolean inClass = false;
        for (int i = 0; i < re2.length(); i++) {
            char c = re2.charAt(i);
            if (c == '\\' && i + 1 < re2.length()) {
                b.append(c).append(re2.charAt(++i));
            } else if (inClass) {
                inClass = c != ']';
                b.append(c);
            } else if (c == '[') {
                inClass = true;
                b.append(c);
                if (i + 1 < re2.length() && re2.charAt(i + 1) == '^') {
                    b.append(re2.charAt(++i));
                }
                if (i + 1 < re2.length() && re2.charAt(i + 1) == ']') {
                    b.append(re2.charAt(++i)); // a literal ']' first in a class
                }
            } else if (c == '$') {
                b.append("\\z");
            } else if (c == '.') {
                b.append("[^\\n]");
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }

    private static ValueCheck uint32Check(FieldDescriptor field, UInt32Rules r) {
        allowOnly(field, r, "gte", "lte");
        long gte = r.hasGte() ? Integer.toUnsignedLong(r.getGte()) : 0;
        long lte = r.hasLte() ? Integer.toUnsignedLong(r.getLte()) : 0xFFFF_FFFFL;
        String message = rangeMessage(r.hasGte(), Long.toString(gte), r.hasLte(), Long.toString(lte));
        return v -> {
            long x = Integer.toUnsignedLong((Integer) v);
            return x < gte || x > lte ? message : null;
        };
    }

    private static ValueCheck doubleCheck(FieldDescriptor field, DoubleRules r) {
        allowOnly(field, r, "finite", "gte", "lte");
        boolean finite = r.getFinite();
        double gte = r.hasGte() ? r.getGte() : Double.NEGATIVE_INFINITY;
        double lte = r.hasLte() ? r.getLte() : Double.POSITIVE_INFINITY;
        String message = rangeMessage(r.hasGte(), fmt(gte), r.hasLte(), fmt(lte));
        return v -> {
            double x = (Double) v;
            if (finite && !Double.isFinite(x)) {
                return "value must be finite";
            }
            // Written so that NaN fails, as in protovalidate.
            return (r.hasGte() && !(x >= gte)) || (r.hasLte() && !(x <= lte)) ? message : null;
        };
    }

    private static String fmt(double d) {
        return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d);
    }

    private static String rangeMessage(boolean hasGte, String gte, boolean hasLte, String lte) {
        if (hasGte && hasLte) {
            return "value must be greater than or equal to " + gte + " and less than or equal to " + lte;
        }
        return hasGte ? "value must be greater than or equal to " + gte : "value must be less than or equal to " + lte;
    }

    private static ValueCheck enumCheck(FieldDescriptor field, EnumRules r) {
        allowOnly(field, r, "defined_only");
        if (!r.getDefinedOnly()) {
            return null;
        }
        var type = field.getEnumType();
        return v -> {
            var value = (com.google.protobuf.Descriptors.EnumValueDescriptor) v;
            return type.findValueByNumber(value.getNumber()) == null ? "value must be one of the defined enum values" : null;
        };
    }

    private static boolean isZero(FieldDescriptor field, Object value) {
        switch (field.getJavaType()) {
            case STRING: return ((String) value).isEmpty();
            case INT: return (Integer) value == 0;
            case LONG: return (Long) value == 0L;
            case DOUBLE: return Double.doubleToRawLongBits((Double) value) == 0L;
            case FLOAT: return Float.floatToRawIntBits((Float) value) == 0;
            case BOOLEAN: return !(Boolean) value;
            case ENUM: return ((com.google.protobuf.Descriptors.EnumValueDescriptor) value).getNumber() == 0;
            case BYTE_STRING: return ((com.google.protobuf.ByteString) value).isEmpty();
            default: return false;
        }
    }

    /** A singular field: presence or zero-value rules, then the value rules. */
    private static final class ScalarCheck implements FieldCheck {
        private final FieldDescriptor field;
        private final boolean required;
        private final boolean ignoreIfZero;
        private final ValueCheck value;

        ScalarCheck(FieldDescriptor field, boolean required, boolean ignoreIfZero, ValueCheck value) {
            this.field = field;
            this.required = required;
            this.ignoreIfZero = ignoreIfZero;
            this.value = value;
        }

        @Override
        public void validate(Message message, List<Violation> out) {
            boolean set;
            Object v = null;
            if (field.hasPresence()) {
                set = message.hasField(field);
                if (set) {
                    v = message.getField(field);
                }
            } else {
                v = message.getField(field);
                set = !isZero(field, v);
            }
            if (!set) {
                if (required) {
                    out.add(new Violation(field.getName(), "value is required"));
                    return;
                }
                if (field.hasPresence() || ignoreIfZero) {
                    return;
                }
            }
            if (value != null) {
                String problem = value.check(v);
                if (problem != null) {
                    out.add(new Violation(field.getName(), problem));
                }
            }
        }
    }

    /** A map<string,string> field: entry count, then each key and value. */
    private static final class MapCheck implements FieldCheck {
        private final FieldDescriptor field;
        private final boolean required;
        private final long maxPairs;
        private final ValueCheck keys;
        private final ValueCheck values;
        /** Cached accessor; a benign race may look it up twice. */
        private volatile Method getter;

        MapCheck(FieldDescriptor field, boolean required, MapRules r) {
            allowOnly(field, r, "max_pairs", "keys", "values");
            FieldDescriptor keyField = field.getMessageType().findFieldByName("key");
            FieldDescriptor valueField = field.getMessageType().findFieldByName("value");
            if (keyField.getJavaType() != FieldDescriptor.JavaType.STRING || valueField.getJavaType() != FieldDescriptor.JavaType.STRING) {
                throw unsupported(field, "map rules on a map that is not map<string,string>");
            }
            this.field = field;
            this.required = required;
            this.maxPairs = r.hasMaxPairs() ? r.getMaxPairs() : Long.MAX_VALUE;
            this.keys = r.hasKeys() ? entryCheck(field, r.getKeys(), "map key") : null;
            this.values = r.hasValues() ? entryCheck(field, r.getValues(), "value") : null;
        }

        private static ValueCheck entryCheck(FieldDescriptor field, FieldRules rules, String subject) {
            allowOnly(field, rules, "string");
            return stringCheck(field, rules.getString(), subject);
        }

        @Override
        public void validate(Message message, List<Violation> out) {
            Map<?, ?> map = mapOf(message);
            int count = map == null ? message.getRepeatedFieldCount(field) : map.size();
            if (count == 0) {
                if (required) {
                    out.add(new Violation(field.getName(), "value is required"));
                }
                return;
            }
            if (count > maxPairs) {
                out.add(new Violation(field.getName(), "map must be at most " + maxPairs + " entries"));
            }
            if (keys == null && values == null) {
                return;
            }
            if (map == null) {
                for (int i = 0; i < count; i++) {
                    MapEntry<?, ?> entry = (MapEntry<?, ?>) message.getRepeatedField(field, i);
                    checkEntry((String) entry.getKey(), entry.getValue(), out);
                }
            } else {
                for (Map.Entry<?, ?> entry : map.entrySet()) {
                    checkEntry((String) entry.getKey(), entry.getValue(), out);
                }
            }
        }

        private void checkEntry(String key, Object value, List<Violation> out) {
            String problem = keys == null ? null : keys.check(key);
            if (problem == null && values != null) {
                problem = values.check(value);
            }
            if (problem != null) {
                out.add(new Violation(field.getName() + "[\"" + abbreviate(key) + "\"]", problem));
            }
        }

        /**
         * The map through the generated {@code get<Field>Map()}: the reflective
         * {@code getRepeatedField} would convert the map into a list of entries on
         * every call. Null for messages without generated code (dynamic messages).
         */
        private Map<?, ?> mapOf(Message message) {
            Method m = getter;
            if (m == null || m.getDeclaringClass() != message.getClass()) {
                try {
                    m = message.getClass().getMethod("get" + Character.toUpperCase(field.getJsonName().charAt(0))
                            + field.getJsonName().substring(1) + "Map");
                } catch (NoSuchMethodException e) {
                    return null;
                }
                getter = m;
            }
            try {
                return (Map<?, ?>) m.invoke(message);
            } catch (ReflectiveOperationException e) {
                return null;
            }
        }

        private static String abbreviate(String s) {
            return s.length() <= 64 ? s : s.substring(0, 64) + "…";
        }
    }
}
