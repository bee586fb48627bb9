using System.Collections;
using System.Reflection;
using Research.Core.Registry;

namespace Research.Core.Configuration;

/// <summary>
/// Binds the merged configuration tree into options objects by reflection, collecting every error
/// instead of stopping at the first (as the stock ConfigurationBinder does). Keys are snake_case and
/// case-sensitive; unknown keys are errors with a suggestion. Supports string, bool, int, long, double,
/// float, enums, nullables of those, <c>List&lt;T&gt;</c>, <c>Dictionary&lt;string, T&gt;</c>, nested
/// options classes (defaults kept for absent keys) and <see cref="ComponentSpec"/> properties marked
/// <see cref="ComponentAttribute"/>, whose <c>options</c> bind into the registered options type.
/// </summary>
internal sealed class StrictBinder(ComponentRegistry registry)
{
    private readonly NullabilityInfoContext _nullability = new();

    /// <summary>Every problem found so far, by JSON path.</summary>
    public List<PathError> Errors { get; } = [];

    /// <summary>Binds <paramref name="root"/> into a fresh <typeparamref name="T"/>.</summary>
    public T Bind<T>(ConfigNode root) where T : class, new()
    {
        var target = new T();
        BindObject(typeof(T), root, target, "");
        return target;
    }

    private void Fail(string path, string message) => Errors.Add(new PathError(path, message));

    private void BindObject(Type type, ConfigNode? node, object target, string path, string? reservedKey = null)
    {
        var properties = ConfigKeys.Bindable(type);
        if (node is { Kind: not ConfigKind.Object })
        {
            // JSON null keeps the defaults.
            if (node.Kind != ConfigKind.Null)
            {
                Fail(path, $"expected an object, got {node.Describe()}");
                if (node.Kind == ConfigKind.Array) return;
            }
            node = null;
        }
        if (node is not null)
        {
            var names = properties.Select(ConfigKeys.JsonName).ToList();
            foreach (var (name, _) in node.Properties.Where(p => !names.Contains(p.Key) && p.Key != reservedKey))
                Fail(ConfigKeys.Child(path, name), ConfigKeys.UnknownKey(name, names));
        }
        foreach (var property in properties)
        {
            var name = ConfigKeys.JsonName(property);
            BindProperty(property, node?.Child(name), target, ConfigKeys.Child(path, name));
        }
    }

    private void BindProperty(PropertyInfo property, ConfigNode? node, object target, string path)
    {
        if (property.PropertyType == typeof(ComponentSpec) && property.GetCustomAttribute<ComponentAttribute>() is { } component)
        {
            var spec = (ComponentSpec?)property.GetValue(target) ?? new ComponentSpec();
            BindComponent(component.Kind, node, spec, path);
            property.SetValue(target, spec);
            return;
        }
        var current = property.GetValue(target);
        if (node is null)
        {
            // Absent: keep the default, but still resolve components nested in default option objects.
            if (current is not null && ConfigKeys.IsOptionsClass(property.PropertyType)) BindObject(property.PropertyType, null, current, path);
            return;
        }
        var allowNull = _nullability.Create(property).WriteState == NullabilityState.Nullable;
        if (TryBind(property.PropertyType, node, current, path, allowNull, out var value)) property.SetValue(target, value);
    }

    private bool TryBind(Type type, ConfigNode node, object? current, string path, bool allowNull, out object? value)
    {
        value = null;
        if (Nullable.GetUnderlyingType(type) is { } underlying)
        {
            type = underlying;
            allowNull = true;
        }
        if (ScalarParser.IsScalar(type)) return TryBindScalar(type, node, path, allowNull, out value);
        if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(List<>))
            return TryBindList(type, node, path, allowNull, out value);
        if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(Dictionary<,>) && type.GenericTypeArguments[0] == typeof(string))
            return TryBindDictionary(type, node, current, path, out value);
        if (ConfigKeys.IsOptionsClass(type))
        {
            value = current ?? Activator.CreateInstance(type)!;
            BindObject(type, node, value, path);
            return true;
        }
        Fail(path, $"the options type declares {type.Name}, which configuration files cannot express");
        return false;
    }

    private bool TryBindScalar(Type type, ConfigNode node, string path, bool allowNull, out object? value)
    {
        value = null;
        if (node.Kind == ConfigKind.Null && allowNull) return true;
        if (ScalarParser.TryParse(type, node, out value, out var expected)) return true;
        Fail(path, $"expected {expected}, got {node.Describe()}{ScalarParser.Hint(type, node)}");
        return false;
    }

    private bool TryBindList(Type type, ConfigNode node, string path, bool allowNull, out object? value)
    {
        value = null;
        if (node.Kind == ConfigKind.Null && allowNull) return true;
        if (node.Kind != ConfigKind.Array)
        {
            Fail(path, $"expected an array, got {node.Describe()}");
            return false;
        }
        var element = type.GenericTypeArguments[0];
        var list = (IList)Activator.CreateInstance(type)!;
        var ok = true;
        for (var i = 0; i < node.Items.Count; i++)
        {
            var fresh = ConfigKeys.IsOptionsClass(element) ? Activator.CreateInstance(element) : null;
            if (TryBind(element, node.Items[i], fresh, ConfigKeys.Item(path, i), false, out var v)) list.Add(v);
            else ok = false;
        }
        value = list;
        return ok;
    }

    private bool TryBindDictionary(Type type, ConfigNode node, object? current, string path, out object? value)
    {
        value = null;
        var valueType = type.GenericTypeArguments[1];
        if (node.Kind == ConfigKind.Null)
        {
            value = current ?? Activator.CreateInstance(type);
            return true;
        }
        if (node.Kind != ConfigKind.Object)
        {
            Fail(path, $"expected an object, got {node.Describe()}");
            return false;
        }
        var dict = (IDictionary)Activator.CreateInstance(type)!;
        if (current is IDictionary existing)
            foreach (DictionaryEntry e in existing) dict[e.Key] = e.Value;
        var ok = true;
        // Ordinal key order, whatever the layers' order: a dictionary binds (and is written back) the same way every time.
        foreach (var (name, child) in node.Properties.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            var existingValue = dict.Contains(name) ? dict[name] : null;
            existingValue ??= ConfigKeys.IsOptionsClass(valueType) ? Activator.CreateInstance(valueType) : null;
            if (TryBind(valueType, child, existingValue, ConfigKeys.Child(path, name), false, out var v)) dict[name] = v;
            else ok = false;
        }
        value = dict;
        return ok;
    }

    private void BindComponent(ComponentKind kind, ConfigNode? node, ComponentSpec spec, string path)
    {
        ConfigNode? optionsNode = null;
        if (node is { Kind: not (ConfigKind.Object or ConfigKind.Null) })
        {
            Fail(path, $"expected an object {{ \"type\": …, \"options\": {{ … }} }}, got {node.Describe()}");
            return;
        }
        if (node is { Kind: ConfigKind.Object })
        {
            string[] known = kind == ComponentKind.Backbone ? ["type", "options", "roles"] : ["type", "options"];
            foreach (var (name, _) in node.Properties.Where(p => !known.Contains(p.Key)))
                Fail(ConfigKeys.Child(path, name), ConfigKeys.UnknownKey(name, known));
            if (node.Child("type") is { } typeNode)
            {
                if (!TryBindScalar(typeof(string), typeNode, ConfigKeys.Child(path, "type"), false, out var type)) return;
                spec.Type = (string)type!;
            }
            optionsNode = node.Child("options");
        }
        var kindName = kind.ToString().ToLowerInvariant();
        if (!registry.TryGet(kind, spec.Type, out var registration))
        {
            var keys = registry.Keys(kind);
            Fail(ConfigKeys.Child(path, "type"),
                $"unknown {kindName} '{spec.Type}'{ConfigKeys.DidYouMean(spec.Type, keys)} (known {kindName} keys: {(keys.Count == 0 ? "none registered" : string.Join(", ", keys))})");
            spec.Options = null;
            return;
        }
        var options = Activator.CreateInstance(registration.OptionsType)!;
        BindObject(registration.OptionsType, optionsNode, options, ConfigKeys.Child(path, "options"));
        spec.Options = options;
        spec.RoleOptions = null;
        if (node?.Child("roles") is not { } rolesNode) return;
        spec.RoleOptions = new Dictionary<string, object>(StringComparer.Ordinal);
        var rolesPath = ConfigKeys.Child(path, "roles");
        if (rolesNode.Kind != ConfigKind.Object)
        {
            Fail(rolesPath, $"expected an object {{ \"<network role>\": {{ option overrides }} }}, got {rolesNode.Describe()}");
            return;
        }
        foreach (var (roleName, role) in rolesNode.Properties.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            // A role may pick another registered backbone ("type"; DDGAN's own discriminator beside a UNet generator).
            // Same type: the shared options first, then the role's keys on top. Another type: its defaults, then the
            // role's keys (the shared options belong to the other type). The same strict binding either way, so unknown
            // keys and wrong types are reported at backbone.roles.<role>.<key>.
            var rolePath = ConfigKeys.Child(rolesPath, roleName);
            var roleRegistration = registration;
            if (role.Child("type") is { } roleTypeNode)
            {
                var roleTypePath = ConfigKeys.Child(rolePath, "type");
                if (!TryBindScalar(typeof(string), roleTypeNode, roleTypePath, false, out var rt)) continue;
                var roleType = (string)rt!;
                if (!registry.TryGet(kind, roleType, out roleRegistration))
                {
                    var keys = registry.Keys(kind);
                    Fail(roleTypePath, $"unknown {kindName} '{roleType}'{ConfigKeys.DidYouMean(roleType, keys)} (known {kindName} keys: {string.Join(", ", keys)})");
                    continue;
                }
            }
            bool sameType = roleRegistration.Key == registration.Key;
            var roleOptions = Activator.CreateInstance(roleRegistration.OptionsType)!;
            if (sameType) BindObject(registration.OptionsType, optionsNode, roleOptions, ConfigKeys.Child(path, "options"));
            BindObject(roleRegistration.OptionsType, role, roleOptions, rolePath, reservedKey: "type");
            spec.RoleOptions[roleName] = sameType ? roleOptions : new RoleComponent(roleRegistration.Key, roleOptions);
        }
    }
}
