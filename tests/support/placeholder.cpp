namespace rg::test {}
