namespace rg {}
