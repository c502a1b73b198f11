"""One module per mechanism; each check is a plain function of parsed inputs and a Resolver."""
