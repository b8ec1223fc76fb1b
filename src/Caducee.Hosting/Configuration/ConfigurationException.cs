// SPDX-License-Identifier: AGPL-3.0-or-later
namespace Caducee.Hosting.Configuration;

/// <summary>A configuration value that stops the start: which key, what was wrong, what is expected.</summary>
public sealed class ConfigurationException(string key, string problem, string expected) : Exception($"configuration error: {key}: {problem}; expected {expected}")
{
    public ConfigurationException()
        : this("?", "invalid", "a valid value")
    {
    }

    public ConfigurationException(string message)
        : this("?", message, "a valid value")
    {
    }

    public ConfigurationException(string message, Exception innerException)
        : this("?", message + ": " + innerException.Message, "a valid value")
    {
    }

    public string Key { get; } = key;
}
