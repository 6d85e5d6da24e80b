namespace LogiLlm.Persistence;

/// <summary>
/// Names and versions of the saved-module format (LogiLLM 0.2.17's shape plus our additions).
/// </summary>
public static class ModuleFileFormat
{
    /// <summary>The format version this library writes; files without <c>format_version</c> (Python LogiLLM) are format 0.</summary>
    public const int CurrentVersion = 1;

    /// <summary>JSON keys of the format.</summary>
    public static class Keys
    {
        /// <summary>Version of the library that wrote the file.</summary>
        public const string LogiLlmVersion = "logillm_version";
        /// <summary>Format version (ours; drives migrations).</summary>
        public const string FormatVersion = "format_version";
        /// <summary>ISO-8601 time of the save.</summary>
        public const string SaveTimestamp = "save_timestamp";
        /// <summary>Registered module type name.</summary>
        public const string ModuleType = "module_type";
        /// <summary>Dotted class name of the writer's type (informational; never used to load code).</summary>
        public const string ModuleClass = "module_class";
        /// <summary>Module state.</summary>
        public const string State = "state";
        /// <summary>Signature object.</summary>
        public const string Signature = "signature";
        /// <summary>Module config.</summary>
        public const string Config = "config";
        /// <summary>Free metadata.</summary>
        public const string Metadata = "metadata";
        /// <summary>Demo manager.</summary>
        public const string DemoManager = "demo_manager";
        /// <summary>Safe provider configuration.</summary>
        public const string ProviderConfig = "provider_config";
        /// <summary>Adapter configuration.</summary>
        public const string AdapterConfig = "adapter_config";
        /// <summary>A custom module's own fields (<c>Module.SaveState</c>; ours).</summary>
        public const string CustomState = "custom_state";
        /// <summary>Child modules of composites (ours).</summary>
        public const string Modules = "modules";
        /// <summary>Integrity block (ours).</summary>
        public const string Integrity = "integrity";
        /// <summary>Signature block (ours): algorithm, key id, value.</summary>
        public const string Seal = "seal";
        /// <summary>Key id inside the seal.</summary>
        public const string KeyId = "key_id";
        /// <summary>Base64 signature inside the seal.</summary>
        public const string Value = "value";
        /// <summary>Digest algorithm inside the integrity block.</summary>
        public const string Algorithm = "algorithm";
        /// <summary>Hex digest inside the integrity block.</summary>
        public const string Digest = "digest";

        /// <summary>Signature type name.</summary>
        public const string Type = "type";
        /// <summary>Signature instructions.</summary>
        public const string Instructions = "instructions";
        /// <summary>Input field map.</summary>
        public const string InputFields = "input_fields";
        /// <summary>Output field map.</summary>
        public const string OutputFields = "output_fields";
        /// <summary>"input" or "output".</summary>
        public const string FieldType = "field_type";
        /// <summary>Bare Python type name.</summary>
        public const string PythonType = "python_type";
        /// <summary>Field description.</summary>
        public const string Description = "description";
        /// <summary>Whether a field is required.</summary>
        public const string Required = "required";
        /// <summary>Field default.</summary>
        public const string Default = "default";
        /// <summary>Field constraints.</summary>
        public const string Constraints = "constraints";

        /// <summary>Demos.</summary>
        public const string Demos = "demos";
        /// <summary>Teacher demos.</summary>
        public const string TeacherDemos = "teacher_demos";
        /// <summary>Maximum demos.</summary>
        public const string MaxDemos = "max_demos";
        /// <summary>Selection strategy.</summary>
        public const string SelectionStrategy = "selection_strategy";
        /// <summary>Selection seed (ours).</summary>
        public const string Seed = "seed";
        /// <summary>Demo inputs.</summary>
        public const string Inputs = "inputs";
        /// <summary>Demo outputs.</summary>
        public const string Outputs = "outputs";
        /// <summary>Demo score.</summary>
        public const string Score = "score";
        /// <summary>Demo source.</summary>
        public const string Source = "source";
        /// <summary>Demo timestamp.</summary>
        public const string Timestamp = "timestamp";

        /// <summary>Provider or adapter name.</summary>
        public const string Name = "name";
        /// <summary>Provider model.</summary>
        public const string Model = "model";
        /// <summary>Provider class name.</summary>
        public const string ProviderClass = "provider_class";
    }
}
