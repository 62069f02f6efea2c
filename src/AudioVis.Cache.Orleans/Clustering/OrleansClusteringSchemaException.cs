namespace AudioVis.Cache.Orleans.Clustering;

/// <summary>The Orleans clustering schema could not be created in PostgreSQL; the message names the database and the cause.</summary>
public sealed class OrleansClusteringSchemaException : Exception
{
    /// <summary>Initializes a new instance of the <see cref="OrleansClusteringSchemaException"/> class.</summary>
    public OrleansClusteringSchemaException()
        : base("Could not create the Orleans clustering schema.")
    {
    }

    /// <summary>Initializes a new instance of the <see cref="OrleansClusteringSchemaException"/> class.</summary>
    /// <param name="message">The message.</param>
    public OrleansClusteringSchemaException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="OrleansClusteringSchemaException"/> class.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public OrleansClusteringSchemaException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
